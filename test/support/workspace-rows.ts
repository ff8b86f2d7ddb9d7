// Everything a workspace stores that a write could change (contacts with their versions, tags,
// labels, segments, custom fields, suppressions), read in one query as comparable text, so a test
// can prove a refused request changed nothing.
import type { Pool } from '@segmenter/shared';

const TABLES = [
  'contacts',
  'contact_tags',
  'contact_labels',
  'contact_status_changes',
  'tags',
  'segments',
  'custom_field_definitions',
  'suppressions',
] as const;

const SNAPSHOT_SQL = `select json_build_object(${TABLES.map(
  (t) => `'${t}', (select coalesce(jsonb_agg(to_jsonb(r) order by to_jsonb(r)::text), '[]'::jsonb) from ${t} r where r.workspace_id = $1)`,
).join(', ')})::text as rows`;

export async function workspaceRows(pool: Pool, workspaceId: string): Promise<string> {
  const { rows } = await pool.query(SNAPSHOT_SQL, [workspaceId]);
  return rows[0].rows as string;
}

/** The first table whose rows differ, for a readable failure. */
export function firstDifference(before: string, after: string): string {
  const a = JSON.parse(before) as Record<string, unknown[]>;
  const b = JSON.parse(after) as Record<string, unknown[]>;
  for (const table of TABLES) {
    const x = JSON.stringify(a[table]);
    const y = JSON.stringify(b[table]);
    if (x !== y) return `${table}: before ${x.slice(0, 600)}\n  after ${y.slice(0, 600)}`;
  }
  return 'no difference';
}
