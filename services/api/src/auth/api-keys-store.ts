// SQL for API keys. Lookups go by the public prefix; the hash comparison happens in code.
import type { Pool, PoolClient } from 'pg';
import type { Queryable } from '@segmenter/shared';
import type { ApiKeyScope } from './api-keys';

export interface StoredApiKey {
  id: string;
  workspaceId: string;
  secretSha256: Buffer;
  scopes: ApiKeyScope[];
  revoked: boolean;
}

export async function findApiKeyByPrefix(pool: Pool, prefix: string): Promise<StoredApiKey | undefined> {
  const { rows } = await pool.query('select id, workspace_id, secret_sha256, scopes, revoked_at from api_keys where prefix = $1', [prefix]);
  const row = rows[0];
  return row ? { id: row.id, workspaceId: row.workspace_id, secretSha256: row.secret_sha256, scopes: row.scopes, revoked: row.revoked_at !== null } : undefined;
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

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  revokedAt: string | null;
}

export async function listApiKeys(client: Queryable, workspaceId: string): Promise<ApiKeySummary[]> {
  const { rows } = await client.query('select id, name, prefix, scopes, created_at, revoked_at from api_keys where workspace_id = $1 order by created_at, id', [
    workspaceId,
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes a key of the workspace; returns false when there is no such key. */
export async function revokeApiKey(client: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await client.query('update api_keys set revoked_at = coalesce(revoked_at, now()) where workspace_id = $1 and id = $2', [
    workspaceId,
    id,
  ]);
  return rowCount === 1;
}
