// Answers of the operator endpoints (workspaces/, search-index/) and of the dashboard numbers
// and consistency wait (counts/, consistency/).
import { z } from 'zod';
import { EMAIL_STATUSES, PHONE_STATUSES } from '@segmenter/shared';
import { ApiKeyScope } from '../auth/api-keys';
import { answer, itemsOf, timestamp, uuid } from './schema-kit';

const Scopes = z.array(ApiKeyScope);
/** A new key: its secret (`key`) is shown in this answer only. */
export const IssuedKey = answer({ id: uuid, name: z.string(), key: z.string(), prefix: z.string(), scopes: Scopes });
export const WorkspaceCreated = answer({ workspace: answer({ id: uuid, name: z.string(), createdAt: timestamp }), apiKey: IssuedKey });
export const ApiKeyList = itemsOf(answer({ id: uuid, name: z.string(), prefix: z.string(), scopes: Scopes, createdAt: timestamp, revokedAt: timestamp.nullable() }));

export const SearchIndexState = answer({
  alias: z.string(),
  readIndices: z.array(z.string()),
  writeIndices: z.array(z.string()),
  generation: z.number().int().nullable(),
  rebuilding: z.boolean(),
});

const waited = answer({ waitedMs: z.number().int() });
const countsBy = (keys: readonly string[]) => z.record(z.string(), z.number().int()).describe(`Count per status (${keys.join(', ')})`);
export const Counts = answer({
  total: z.number().int(),
  sendable: answer({ email: z.number().int(), phone: z.number().int() }),
  emailStatus: countsBy(EMAIL_STATUSES),
  phoneStatus: countsBy(PHONE_STATUSES),
  tags: z.array(answer({ id: uuid, name: z.string(), count: z.number().int() })),
  labelKeys: z.record(z.string(), z.number().int()),
  /** More label keys than listed: the rest are counted in GET /v1/labels. */
  labelKeysTruncated: z.boolean(),
  tookMs: z.number().int(),
  consistency: waited.optional(),
});
export const Consistent = answer({ consistent: z.literal(true), waitedMs: z.number().int() });
