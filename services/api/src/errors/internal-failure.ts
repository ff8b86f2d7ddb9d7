// What a tenant sees when something fails inside (Elasticsearch, Postgres, Kafka, a bug): our own
// words and an error id, never the dependency's text; the raw error is logged under the same id.
import { randomUUID } from 'node:crypto';
import { AppError } from './app-error';

/** A fresh id that links a tenant-visible failure to the one log line holding its cause. */
export function newErrorId(): string {
  return randomUUID();
}

/** How to say an error id in a message, so support can search the logs for `errorId`. */
export const errorIdNote = (errorId: string) => `error id ${errorId}`;

/**
 * The text stored or answered for a failure: an AppError is a failure we raised deliberately (a
 * validation, a conflict) and keeps its message; anything else is replaced by `ourMessage`, since
 * a dependency's message can hold index names, SQL, query fragments or other tenants' values.
 */
export function tenantFacingMessage(err: unknown, errorId: string, ourMessage: string): string {
  const text = err instanceof AppError ? err.message : ourMessage;
  return `${text} (${errorIdNote(errorId)})`;
}
