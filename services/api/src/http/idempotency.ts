// Idempotency-Key on create and batch endpoints: the first answer to a key is stored and replayed
// for a retry of the same request (same method, path and body) within 24 hours; the same key with
// a different request is a 422, and while the first is still running a retry gets a 409 (a claim
// left by a request that died expires after a 5-minute lease). Server errors are not stored, so
// a retry after a 5xx runs again. A replay carries the first answer's Consistency-Token.
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from '@segmenter/shared';
import { principalOf } from './request-principal';
import { AppError, ConflictError, ValidationError } from '../errors/app-error';
import { answerTokenOf, CONSISTENCY_TOKEN_HEADER } from './answer-token';

const KEY = /^[\x21-\x7e]{1,255}$/;
const IN_PROGRESS = 0;
/** A claim older than this with no answer belongs to a request that died (a crash, a restart). */
const LEASE = '5 minutes';

function requestHash(req: Request): Buffer {
  return createHash('sha256')
    .update(`${req.method}\n${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
    .digest();
}

export function idempotent(pool: Pool) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) throw new ValidationError([{ field: 'headers.idempotency-key', rule: 'must be 1-255 visible ASCII characters' }]);
    const workspaceId = principalOf(res).workspaceId;
    const hash = requestHash(req);
    await pool.query(
      `delete from idempotency_keys where workspace_id = $1 and key = $2
          and (created_at < now() - interval '24 hours' or (status = $3 and created_at < now() - interval '${LEASE}'))`,
      [workspaceId, key, IN_PROGRESS],
    );
    const claimed = await pool.query(
      `insert into idempotency_keys (workspace_id, key, request_hash, status, body) values ($1, $2, $3, $4, 'null')
       on conflict do nothing returning created_at::text as claimed_at`,
      [workspaceId, key, hash, IN_PROGRESS],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await pool.query('select request_hash, status, body, consistency_token from idempotency_keys where workspace_id = $1 and key = $2', [
        workspaceId,
        key,
      ]);
      const stored = rows[0];
      if (!stored) throw new ConflictError('A request with this Idempotency-Key just finished; retry it');
      if (!Buffer.from(stored.request_hash).equals(hash)) {
        throw new AppError(422, 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request');
      }
      if (stored.status === IN_PROGRESS) throw new ConflictError('A request with this Idempotency-Key is still in progress');
      if (stored.status >= 400) res.type('application/problem+json');
      if (stored.consistency_token) res.set(CONSISTENCY_TOKEN_HEADER, stored.consistency_token);
      res.status(stored.status).set('Idempotent-Replayed', 'true').json(stored.body);
      return;
    }
    // Capture the answer this request gives, store it, then send it. The claim's time identifies
    // it (as text: a JS Date would drop the microseconds): a request that outlived its lease must
    // not overwrite the answer of the one that took over.
    const claimedAt: string = claimed.rows[0].claimed_at;
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const store =
        status >= 500
          ? pool.query('delete from idempotency_keys where workspace_id = $1 and key = $2 and created_at = $3::timestamptz', [workspaceId, key, claimedAt])
          : answerTokenOf(res).then((token) =>
              pool.query(
                'update idempotency_keys set status = $3, body = $4, consistency_token = $5 where workspace_id = $1 and key = $2 and created_at = $6::timestamptz',
                [workspaceId, key, status, JSON.stringify(body ?? null), token ?? null, claimedAt],
              ),
            );
      store.then(
        () => send(body),
        (err) => next(err),
      );
      return res;
    };
    next();
  };
}
