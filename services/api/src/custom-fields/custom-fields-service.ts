// Custom field definitions: listing and defining them, renaming and deleting them. Contacts keep their values under the key, so
// either change is a job that rewrites every contact holding it, in chunks (each contact with
// its own version bump and event, so the index follows). While the job runs, the old key is
// hidden from the definitions (no write or new segment can use it) and is freed when the job
// ends. Saved segments are never broken silently: a delete they depend on is refused unless
// forced (then they are marked broken), and a rename rewrites their conditions in the same
// transaction that starts the job.
import { Condition, CustomFieldType, inTransaction, LIMITS, lockForTransaction, Pool, PoolClient, Queryable } from '@segmenter/shared';
import { emitUpsertedEvents } from '../contacts/contact-changes';
import { ConflictError, NotFoundError } from '../errors/app-error';
import { textKeyedPage } from '../http/list-keys';
import type { ListQuery } from '../http/list-page';
import type { ChunkResult, JobRunner } from '../jobs/job-runner';
import { insertJob, Job, pendingJobExists, saveJobState } from '../jobs/jobs-store';
import type { PreviewChange } from '../dependencies/change-preview';
import { refusalOf } from '../dependencies/rehearsal';
import { guardSegmentsUsing } from '../segments/deletion-guard';
import { customFieldKeysOf, dependentsOf, renameCustomFieldIn } from '../segments/segment-dependencies';
import { listSegments, lockSegments, replaceConditions } from '../segments/segments-store';
import { insertDefinition, listDefinitions } from './custom-fields-store';

export const CUSTOM_FIELD_DELETE_JOB = 'custom_field.delete';
export const CUSTOM_FIELD_RENAME_JOB = 'custom_field.rename';
const CHUNK = 500;

interface DefinitionRow {
  key: string;
  type: CustomFieldType;
  pendingChange: 'rename' | 'delete' | null;
}

async function lockDefinition(client: PoolClient, workspaceId: string, key: string): Promise<DefinitionRow> {
  // The same per-workspace lock creating a definition takes: a rename cannot race a create of its new key.
  await lockForTransaction(client, `custom-fields:${workspaceId}`);
  const { rows } = await client.query('select key, type, pending_change from custom_field_definitions where workspace_id = $1 and key = $2 for update', [
    workspaceId,
    key,
  ]);
  if (!rows[0]) throw new NotFoundError(`Custom field ${key}`);
  const definition = { key: rows[0].key, type: rows[0].type, pendingChange: rows[0].pending_change };
  if (definition.pendingChange)
    throw new ConflictError(`Custom field ${key} is being ${definition.pendingChange === 'rename' ? 'renamed' : 'deleted'}; wait for its job to end`);
  // The new key of a rename still running is receiving values: deleting or renaming it now would
  // strand the values its job has yet to move.
  if (await pendingJobExists(client, workspaceId, CUSTOM_FIELD_RENAME_JOB, { to: key }))
    throw new ConflictError(`Custom field ${key} is the new key of a rename still running; wait for its job to end`);
  return definition;
}

const usesField = (key: string) => (tree: Condition) => customFieldKeysOf(tree).includes(key);

const contactCount = async (client: Queryable, workspaceId: string, key: string) =>
  (await client.query('select count(*)::int as n from contacts where workspace_id = $1 and custom_fields ? $2', [workspaceId, key])).rows[0].n as number;

/** `preview` answers dry runs (dependencies/change-preview.ts). */
export function createCustomFieldsService(deps: { pool: Pool; jobs?: Pick<JobRunner, 'nudge'>; preview: PreviewChange }) {
  const { pool, jobs } = deps;
  async function start(build: (client: PoolClient) => Promise<Job>): Promise<Job> {
    const job = await inTransaction(pool, build);
    jobs?.nudge();
    return job;
  }

  /**
   * A dry run of a delete or rename: the start rehearsed (rolled back) for its refusal, the saved
   * segments using the field with their counts, and the contacts holding it. `build` is the start
   * without its count of contacts: that scan of the workspace is made once, after the rehearsal,
   * holding no lock (the real start holds the segments lock while it counts).
   */
  async function preview(
    workspaceId: string,
    key: string,
    operation: 'customField.delete' | 'customField.rename',
    build: (client: PoolClient) => Promise<Job>,
  ) {
    const refusal = await refusalOf(pool, build);
    const { rows } = await pool.query('select type from custom_field_definitions where workspace_id = $1 and key = $2', [workspaceId, key]);
    const deletes = operation === 'customField.delete';
    return deps.preview(workspaceId, {
      operation,
      subject: { kind: 'customField', key, type: rows[0]?.type ?? null },
      uses: usesField(key),
      effect: (s) => (s.dependency === 'indirect' ? (deletes ? 'uses_broken' : 'unchanged') : deletes ? 'marked_broken' : 'rewritten'),
      contactsAffected: await contactCount(pool, workspaceId, key),
      refusal,
    });
  }

  /** Checks a delete and queues its job, in the caller's transaction. */
  async function startDeletionIn(client: PoolClient, workspaceId: string, key: string, options: { force: boolean }, counted = true): Promise<Job> {
    await lockSegments(client, workspaceId);
    await lockDefinition(client, workspaceId, key);
    await guardSegmentsUsing(client, workspaceId, usesField(key), {
      what: `Custom field ${key}`,
      field: 'params.key',
      force: options.force,
      reason: `custom field ${key} was deleted`,
      missing: { kind: 'customField', key },
    });
    await client.query(`update custom_field_definitions set pending_change = 'delete' where workspace_id = $1 and key = $2`, [workspaceId, key]);
    return insertJob(client, workspaceId, CUSTOM_FIELD_DELETE_JOB, { key }, counted ? await contactCount(client, workspaceId, key) : null);
  }

  /**
   * Checks a rename, defines the new key, rewrites the segments and queues the job, in the caller's
   * transaction; with `counted` false (a dry run) the job's total is left unknown.
   */
  async function startRenameIn(client: PoolClient, workspaceId: string, key: string, to: string, counted = true): Promise<Job> {
    await lockSegments(client, workspaceId);
    await lockDefinition(client, workspaceId, key);
    if (to === key) throw new ConflictError(`Custom field ${key} already has that key`, [{ field: 'body.key', rule: 'must differ from the current key' }]);
    const taken = await client.query('select 1 from custom_field_definitions where workspace_id = $1 and key = $2', [workspaceId, to]);
    if (taken.rowCount) throw new ConflictError(`Custom field "${to}" already exists`, [{ field: 'body.key', rule: 'must be unique in the workspace' }]);
    // The same field under a new key: it keeps its type and when it was created.
    await client.query(
      'insert into custom_field_definitions (workspace_id, key, type, created_at) select workspace_id, $3, type, created_at from custom_field_definitions where workspace_id = $1 and key = $2',
      [workspaceId, key, to],
    );
    await client.query(`update custom_field_definitions set pending_change = 'rename' where workspace_id = $1 and key = $2`, [workspaceId, key]);
    const users = dependentsOf(await listSegments(client, workspaceId), usesField(key)).direct;
    await replaceConditions(client, workspaceId, new Map(users.map((s) => [s.id, renameCustomFieldIn(s.condition, key, to)])));
    return insertJob(
      client,
      workspaceId,
      CUSTOM_FIELD_RENAME_JOB,
      { key, to, segmentsRewritten: users.map((s) => s.name) },
      counted ? await contactCount(client, workspaceId, key) : null,
    );
  }

  /**
   * One chunk of either job: rewrites up to CHUNK contacts that still hold the old key (live and
   * deleted ones, so a restored contact carries no stale key), then, when none is left, frees the
   * old definition.
   */
  async function rewriteChunk(client: PoolClient, job: Job, rewrite: string): Promise<ChunkResult> {
    const params = job.params as { key: string; to?: string; after?: string | null; finalPass?: boolean };
    const workspaceId = job.workspaceId!;
    // One pass in id order (keyset on the workspace's id index, so each chunk reads on from the
    // last), then one pass from the start: a write validated just before the key was hidden may
    // have committed behind the first pass.
    const { rows } = await client.query(
      `select id from contacts where workspace_id = $1 and ($3::uuid is null or id > $3) and custom_fields ? $2
        order by id limit $4 for update`,
      [workspaceId, params.key, params.after ?? null, CHUNK],
    );
    const ids = rows.map((r) => r.id as string);
    if (ids.length > 0) {
      await client.query(
        `update contacts set custom_fields = ${rewrite}, version = version + 1, updated_at = now() where workspace_id = $1 and id = any($2::uuid[])`,
        [workspaceId, ids, params.key, ...(params.to !== undefined ? [params.to] : [])],
      );
      await emitUpsertedEvents(client, workspaceId, ids);
      await saveJobState(client, job.id, { ...params, after: ids[ids.length - 1] });
      return { processed: ids.length, finished: false };
    }
    if (!params.finalPass) {
      await saveJobState(client, job.id, { ...params, after: null, finalPass: true });
      return { processed: 0, finished: false };
    }
    await client.query('delete from custom_field_definitions where workspace_id = $1 and key = $2', [workspaceId, params.key]);
    return { processed: 0, finished: true };
  }

  return {
    /** A page of definitions, with the per-workspace limit. */
    async list(workspaceId: string, page: ListQuery) {
      const definitions = await textKeyedPage(
        page,
        'custom-fields',
        (range) => listDefinitions(pool, workspaceId, range),
        (d) => d.key,
      );
      // `limit` stays what it always was in this answer: how many definitions a workspace may hold (not the page size).
      return { ...definitions, limit: LIMITS.customFieldsPerWorkspace };
    },

    define(workspaceId: string, key: string, type: CustomFieldType) {
      return inTransaction(pool, (c) => insertDefinition(c, workspaceId, key, type, LIMITS.customFieldsPerWorkspace));
    },

    /** Starts deleting a definition and every value under it; 409 naming the saved segments that use it, unless forced. */
    deleteDefinition(workspaceId: string, key: string, options: { force: boolean }): Promise<Job> {
      return start((client) => startDeletionIn(client, workspaceId, key, options));
    },
    /** DELETE with dryRun: what the delete would do, nothing changed. */
    previewDeleteDefinition: (workspaceId: string, key: string, options: { force: boolean }) =>
      preview(workspaceId, key, 'customField.delete', (client) => startDeletionIn(client, workspaceId, key, options, false)),

    /**
     * Starts renaming `key` to `to`: the new definition exists at once (same type), saved
     * segments are rewritten to it now, and the job moves each contact's value across. Counts
     * on the new key converge as the job runs.
     */
    renameDefinition(workspaceId: string, key: string, to: string): Promise<Job> {
      return start((client) => startRenameIn(client, workspaceId, key, to));
    },
    /** PATCH with dryRun: what the rename would do, nothing changed. */
    previewRenameDefinition: (workspaceId: string, key: string, to: string) =>
      preview(workspaceId, key, 'customField.rename', (client) => startRenameIn(client, workspaceId, key, to, false)),

    deleteChunk: (client: PoolClient, job: Job) => rewriteChunk(client, job, 'custom_fields - $3::text'),
    // A value written under the new key since the rename began is newer: it wins over the moved one.
    renameChunk: (client: PoolClient, job: Job) =>
      rewriteChunk(
        client,
        job,
        `case when custom_fields ? $4::text then custom_fields - $3::text else (custom_fields - $3::text) || jsonb_build_object($4::text, custom_fields -> $3::text) end`,
      ),
  };
}
export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;
