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
  test.skip(`the production build (set ${PRODUCTION_DIR_VARIABLE}; .ci/run does)`, () => undefined);
}
