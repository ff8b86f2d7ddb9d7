// SQL for API keys. Lookups go by the public prefix; the hash comparison happens in code.
import type { Pool, PoolClient } from 'pg';
import type { ApiKeyScope } from './api-keys';

export interface StoredApiKey {
  id: string;
  workspaceId: string;
  secretSha256: Buffer;
  scopes: ApiKeyScope[];
  revoked: boolean;
}

export async function findApiKeyByPrefix(pool: Pool, prefix: string): Promise<StoredApiKey | undefined> {
  const { rows } = await pool.query(
    'select id, workspace_id, secret_sha256, scopes, revoked_at from api_keys where prefix = $1',
    [prefix],
  );
  const row = rows[0];
  return row
    ? { id: row.id, workspaceId: row.workspace_id, secretSha256: row.secret_sha256, scopes: row.scopes, revoked: row.revoked_at !== null }
    : undefined;
}

export async function insertApiKey(
  client: PoolClient,
  key: { workspaceId: string; name: string; prefix: string; secretSha256: Buffer; scopes: ApiKeyScope[] },
): Promise<{ id: string; createdAt: Date }> {
  const { rows } = await client.query(
    `insert into api_keys (workspace_id, name, prefix, secret_sha256, scopes)
     values ($1, $2, $3, $4, $5) returning id, created_at`,
    [key.workspaceId, key.name, key.prefix, key.secretSha256, key.scopes],
  );
  return { id: rows[0].id, createdAt: rows[0].created_at };
}
