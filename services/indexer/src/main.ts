// The indexer process. SIGTERM lets the batch in flight finish and commit, then leaves the group
// (the order of startIndexerService's stop steps).
import { runServiceMain } from '@segmenter/shared';
import { startIndexerService } from './indexer-service';

runServiceMain('indexer', startIndexerService);
