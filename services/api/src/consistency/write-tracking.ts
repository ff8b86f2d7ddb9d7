// Collects, per HTTP request, the contact versions its committed transactions produced, and hands
// the caller a `Consistency-Token` header with the answer. The write path reports what the outbox
// says it wrote (contacts/contact-changes.ts); onCommit drops what a rolled-back transaction wrote.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { Logger, onCommit, Pool } from '@segmenter/shared';
import { CONSISTENCY_TOKEN_HEADER, provideAnswerToken } from '../http/answer-token';
import { encodeToken, INLINE_TOKEN_LIMIT, newestVersions, WrittenVersion } from './consistency-token';

interface RequestWrites {
  workspaceId?: string;
  versions: WrittenVersion[];
  /** Computed once, when the answer is about to go out (or earlier, for the idempotency store). */
  token?: Promise<string | undefined>;
}

/** Where a request's writes live on its response, for `consistencyTokenOf`. */
const WRITES = Symbol('request writes');
type TrackedResponse = Response & { [WRITES]?: { pool: Pool; log: Logger; writes: RequestWrites } };

const requestWrites = new AsyncLocalStorage<RequestWrites>();

/** Called by the write path with the versions a transaction wrote: remembered only once `client` commits. */
export function recordWrittenVersions(client: object, workspaceId: string, versions: WrittenVersion[]): void {
  const writes = requestWrites.getStore();
  if (!writes || versions.length === 0) return;
  onCommit(client, () => {
    writes.workspaceId = workspaceId;
    writes.versions.push(...versions);
  });
}

async function tokenFor(pool: Pool, writes: RequestWrites): Promise<string | undefined> {
  if (!writes.workspaceId || writes.versions.length === 0) return undefined;
  const versions = newestVersions(writes.versions);
  if (versions.length <= INLINE_TOKEN_LIMIT) return encodeToken({ workspaceId: writes.workspaceId, versions });
  const { rows } = await pool.query('insert into write_receipts (workspace_id, contact_ids, versions) values ($1, $2::uuid[], $3::bigint[]) returning id', [
    writes.workspaceId,
    versions.map((v) => v.contactId),
    versions.map((v) => v.version),
  ]);
  return encodeToken({ workspaceId: writes.workspaceId, receiptId: rows[0].id });
}

function tokenOnce(pool: Pool, log: Logger, writes: RequestWrites): Promise<string | undefined> {
  writes.token ??= tokenFor(pool, writes).catch((err) => {
    log.warn({ err }, 'could not store a write receipt; answering without a consistency token');
    return undefined;
  });
  return writes.token;
}

/**
 * The token for what this request has committed so far, or undefined when it wrote nothing. The
 * idempotency store asks for it (http/answer-token.ts) before the answer goes out so a replay can
 * carry the same token; the answer then reuses it (one receipt per request, never two).
 */
function consistencyTokenOf(res: Response): Promise<string | undefined> {
  const tracked = (res as TrackedResponse)[WRITES];
  if (!tracked || res.statusCode >= 400) return Promise.resolve(undefined);
  if (tracked.writes.versions.length === 0) return Promise.resolve(satisfiedTokenFor(res));
  return tokenOnce(tracked.pool, tracked.log, tracked.writes);
}

/**
 * The token of a successful write that changed no contact (and read none back): it names no
 * version, so a read with it never waits. Clients can pass the token of every write they make,
 * whatever it did, without special cases.
 */
function satisfiedTokenFor(res: Response): string | undefined {
  const workspaceId = (res.locals.principal as { workspaceId?: string } | undefined)?.workspaceId;
  return workspaceId ? encodeToken({ workspaceId, versions: [] }) : undefined;
}

/**
 * Tracks the request's writes and adds the Consistency-Token header to a successful answer, JSON
 * or empty (a 204), by holding `res.end` until the token is known. A large write's receipt is
 * stored first; if that fails the answer still goes out, without a token (the write did commit).
 */
export function consistencyTokens(pool: Pool, log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const writes: RequestWrites = { versions: [] };
    (res as TrackedResponse)[WRITES] = { pool, log, writes };
    provideAnswerToken(res, () => consistencyTokenOf(res));
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let released = false;
    res.end = ((...args: unknown[]) => {
      if (released || res.statusCode >= 400 || res.headersSent) {
        released = true;
        return end(...args);
      }
      if (writes.versions.length === 0) {
        released = true;
        // A replayed answer (idempotency) already carries the first answer's token: keep it.
        const token = res.getHeader(CONSISTENCY_TOKEN_HEADER) === undefined ? satisfiedTokenFor(res) : undefined;
        if (token) res.setHeader(CONSISTENCY_TOKEN_HEADER, token);
        return end(...args);
      }
      released = true;
      void tokenOnce(pool, log, writes)
        .then((token) => {
          if (token && !res.headersSent) res.setHeader(CONSISTENCY_TOKEN_HEADER, token);
        })
        .finally(() => end(...args));
      return res;
    }) as Response['end'];
    requestWrites.run(writes, next);
  };
}
