// The end-to-end suite (test/support/end-to-end-suite.ts) against both services running in this
// process from their TypeScript sources.
import { startApiService } from '../services/api/src/api-service';
import { startIndexerService } from '../services/indexer/src/indexer-service';
import { describeEndToEnd } from './support/end-to-end-suite';

describeEndToEnd(async (env) => {
  const api = await startApiService(env.config, env.log);
  const indexer = await startIndexerService(env.config, env.log);
  return { api, indexer };
});
