// The end-to-end suite (test/support/end-to-end-suite.ts) against the production build: the
// compiled api and indexer, each `node dist/main.js` in its own process, from a tree that holds
// production dependencies only, so a runtime import of a dev dependency fails here. .ci/run stages
// that tree (./dev build --production DIR) and names it in SEGMENTER_PRODUCTION_DIR.
import { CompiledService, PRODUCTION_DIR_VARIABLE, productionDir, startCompiledService } from './support/compiled-services';
import { describeEndToEnd } from './support/end-to-end-suite';

const dir = productionDir();

if (dir) {
  describeEndToEnd(async (env) => {
    // The indexer first, as `./dev up` and docker-compose.yml start them.
    const indexer = await startCompiledService(dir, 'indexer', env.config);
    let api: CompiledService;
    try {
      api = await startCompiledService(dir, 'api', env.config);
    } catch (err) {
      await indexer.stop().catch(() => undefined);
      throw err;
    }
    return { api, indexer };
  });
} else {
  // Skipped on purpose outside CI: the suite needs the staged production tree, which takes a
  // compile and an `npm ci --omit=dev` (about a minute) that a developer's `./dev test` should not
  // pay on every run. .ci/run always stages it and sets the variable, so CI never skips it; the
  // same suite runs against the sources in test/end-to-end.int.test.ts on every run.
  test.skip(`the production build (set ${PRODUCTION_DIR_VARIABLE}; .ci/run does)`, () => undefined);
}
