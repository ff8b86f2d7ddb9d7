// SQL for workspaces.
import type { PoolClient } from 'pg';
import type { Queryable } from '@segmenter/shared';

export interface Workspace {
  id: string;
  name: string;
  createdAt: string;
}

export async function insertWorkspace(client: PoolClient, name: string): Promise<Workspace> {
  const { rows } = await client.query('insert into workspaces (name) values ($1) returning id, name, created_at', [name]);
  return { id: rows[0].id, name: rows[0].name, createdAt: rows[0].created_at.toISOString() };
}

export async function workspaceExists(client: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await client.query('select 1 from workspaces where id = $1', [id]);
  return rowCount === 1;
}
