// Public surface of @segmenter/shared: what both services speak.
export * from './config/config';
export * from './db/pg-pool';
export * from './elasticsearch/es-client';
export * from './domain/contact-domain';
export * from './events/change-events';
export * from './kafka/kafka-client';
export * from './logging/logger';
export * from './lifecycle/shutdown';
export * from './http/health-routes';
export * from './search-index/contacts-index';
export * from './search-index/contact-document';
export * from './metrics/metrics';
export * from './search-index/workspace-search';
export * from './segments/condition-model';
export * from './segments/elasticsearch-compiler';
export * from './segments/sql-compiler';
export * from './segments/segment-text';
