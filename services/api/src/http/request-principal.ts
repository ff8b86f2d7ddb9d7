// Who a request acts for, once auth/authenticate.ts has admitted its API key: the key's workspace,
// id and scopes, kept on the response for the routes, idempotency and write tracking to read.
import type { Response } from 'express';

export interface Principal {
  workspaceId: string;
  apiKeyId: string;
  /** The key's scopes (auth/api-keys.ts ApiKeyScope), as stored. */
  scopes: string[];
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  // Routes are mounted behind requireApiKey; reaching here without one is a wiring bug.
  if (!principal) throw new Error('route reached without authentication');
  return principal;
}

/** The workspace of the authenticated key: every query of a request is scoped by it. */
export const workspaceOf = (res: Response): string => principalOf(res).workspaceId;
