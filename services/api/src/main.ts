// The API process: HTTP server and outbox relay. SIGTERM stops accepting requests, lets the relay
// finish its batch, then closes Kafka and Postgres (the order of startApiService's stop steps).
import { runServiceMain } from '@segmenter/shared';
import { startApiService } from './api-service';

runServiceMain('api', startApiService);
