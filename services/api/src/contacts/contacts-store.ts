// SQL for contacts. Every statement is scoped by workspace id; rows map to the event snapshot.
import type { ContactSnapshot } from '@segmenter/shared';
import type { Pool, PoolClient } from 'pg';
import { ConflictError } from '../errors/app-error';
import type { CreateContactRequest } from './contact-schemas';

const COLUMNS = 'id, workspace_id, email, phone, first_name, last_name, created_at, updated_at, version';

interface ContactRow {
  id: string;
  workspace_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: Date;
  updated_at: Date;
  version: string; // bigint comes back as a string
}

function toSnapshot(row: ContactRow): ContactSnapshot {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    phone: row.phone,
    firstName: row.first_name,
    lastName: row.last_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: Number(row.version),
  };
}

export async function insertContact(client: PoolClient, workspaceId: string, c: CreateContactRequest): Promise<ContactSnapshot> {
  try {
    const { rows } = await client.query<ContactRow>(
      `insert into contacts (workspace_id, email, phone, first_name, last_name)
       values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
      [workspaceId, c.email ?? null, c.phone ?? null, c.firstName ?? null, c.lastName ?? null],
    );
    return toSnapshot(rows[0]!);
  } catch (err) {
    if ((err as { code?: string; constraint?: string }).constraint === 'contacts_workspace_email') {
      throw new ConflictError('A contact with this email already exists in the workspace', [
        { field: 'body.email', rule: 'must be unique in the workspace' },
      ]);
    }
    throw err;
  }
}

export async function findContact(pool: Pool, workspaceId: string, id: string): Promise<ContactSnapshot | undefined> {
  const { rows } = await pool.query<ContactRow>(`select ${COLUMNS} from contacts where workspace_id = $1 and id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0] ? toSnapshot(rows[0]) : undefined;
}
