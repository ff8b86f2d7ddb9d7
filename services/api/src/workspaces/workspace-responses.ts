// Answers of the operator endpoints for workspaces and their API keys (workspaces/): a new
// workspace with its first key, an issued key and the key list.
import { z } from 'zod';
import { ApiKeyScope } from '../auth/api-keys';
import { answer, itemsOf, timestamp, uuid } from '../http/answer-schemas';

const Scopes = z.array(ApiKeyScope);
/** A new key: its secret (`key`) is shown in this answer only. */
export const IssuedKey = answer({ id: uuid, name: z.string(), key: z.string(), prefix: z.string(), scopes: Scopes });
export const WorkspaceCreated = answer({ workspace: answer({ id: uuid, name: z.string(), createdAt: timestamp }), apiKey: IssuedKey });
export const ApiKeyList = itemsOf(
  answer({ id: uuid, name: z.string(), prefix: z.string(), scopes: Scopes, createdAt: timestamp, revokedAt: timestamp.nullable() }),
);
