// Request authentication. Every /v1 route except the operator's admin routes needs an API key;
// the key decides the workspace, so no request can name a workspace it does not own.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { ForbiddenError, UnauthorizedError } from '../errors/app-error';
import { ApiKeyScope, keyMatches, prefixOf, sha256 } from './api-keys';
import { findApiKeyByPrefix } from './api-keys-store';
import { admitApiKey, recordFailedAuthentication, refuseThrottledClient } from '../http/rate-limits';
import type { Principal } from '../http/request-principal';

export function requireApiKey(pool: Pool, scope: ApiKeyScope) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.header('x-api-key');
    const prefix = key ? prefixOf(key) : undefined;
    if (!key || !prefix) throw new UnauthorizedError();
    const stored = await findApiKeyByPrefix(pool, prefix);
    if (!stored || stored.revoked || !keyMatches(key, stored.secretSha256)) {
      // Guessing keys costs the guesser: past the limit of failures from one client, a failed key
      // is a 429. A valid key always passes (the lookup is one indexed row), so a client sharing
      // an address with a guesser (behind one proxy or NAT) is never locked out.
      await recordFailedAuthentication();
      await refuseThrottledClient();
      throw new UnauthorizedError('The API key is unknown or revoked');
    }
    if (!stored.scopes.includes(scope) && !stored.scopes.includes('admin')) {
      throw new ForbiddenError(`This API key lacks the "${scope}" scope`, [{ field: 'headers.x-api-key', rule: `must have the "${scope}" scope` }]);
    }
    await admitApiKey(stored.id);
    res.locals.principal = { workspaceId: stored.workspaceId, apiKeyId: stored.id, scopes: stored.scopes } satisfies Principal;
    next();
  };
}

/** Guards operator routes with `Authorization: Bearer <OPERATOR_KEY>`; disabled when no key is configured. */
export function requireOperator(operatorKey: string | undefined) {
  const expected = operatorKey ? sha256(operatorKey) : undefined;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!expected) throw new ForbiddenError('The admin API is disabled: set OPERATOR_KEY to enable it');
    const match = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
    if (!match || !timingSafeEqual(sha256(match[1]!), expected)) {
      throw new UnauthorizedError('A valid operator key is required in the Authorization header', {
        field: 'headers.authorization',
        rule: 'must be Bearer <OPERATOR_KEY>',
      });
    }
    next();
  };
}
