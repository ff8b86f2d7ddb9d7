// Tags: created and renamed centrally, attached to contacts by id. A rename touches one row and
// no contact (documents and saved segments hold ids). Deleting a tag is a job: it removes the tag
// from its contacts in chunks, each contact with its own version bump and event, then the tag.
import { Condition, ContactSnapshot, inTransaction, Pool, PoolClient } from '@segmenter/shared';
import { answerUnchanged, changeLiveContactsInChunks, emitContactEvents, lockLiveContact } from '../contacts/contact-changes';
import { loadSnapshot, touchContacts } from '../contacts/contacts-store';
import { ConflictError, FieldProblem, NotFoundError, ValidationError } from '../errors/app-error';
import { textKeyedPage } from '../http/list-keys';
import type { ListQuery } from '../http/list-page';
import type { ChunkResult, JobRunner } from '../jobs/job-runner';
import { insertJob, Job, pendingJobExists } from '../jobs/jobs-store';
import { appendOutboxEvent } from '../outbox/outbox-store';
import type { ChangePlan, PreviewChange } from '../dependencies/change-preview';
import { refusalOf } from '../dependencies/rehearsal';
import { guardSegmentsUsing } from '../segments/deletion-guard';
import { tagIdsOf } from '../segments/segment-dependencies';
import { lockSegments } from '../segments/segments-store';
import type { TagSelection } from './tag-schemas';
import {
  addContactTags,
  contactsWithTag,
  countContactsWithTag,
  deleteTagRow,
  ensureTagsByName,
  findTag,
  insertTag,
  listTagsWithCounts,
  removeContactTags,
  Tag,
  tagsByIds,
  tagsByNames,
  updateTag,
} from './tags-store';

export const TAG_DELETE_JOB = 'tag.delete';
const DELETE_CHUNK = 500;

const pendingTagDeletion = (client: PoolClient, workspaceId: string, tagId: string) => pendingJobExists(client, workspaceId, TAG_DELETE_JOB, { tagId });

export type TagOperation = 'add' | 'remove';

/** Resolves names and ids to tag ids; unknown ones are a 400 naming each (unless created). */
export async function resolveTags(client: PoolClient, workspaceId: string, selection: TagSelection, operation: TagOperation): Promise<string[]> {
  const names = selection.tags ?? [];
  const ids = selection.tagIds ?? [];
  if (selection.createMissing && operation === 'add') await ensureTagsByName(client, workspaceId, names);
  const byName = new Map((await tagsByNames(client, workspaceId, names)).map((t) => [t.name, t.id]));
  const byId = new Set((await tagsByIds(client, workspaceId, ids)).map((t) => t.id));
  const problems: FieldProblem[] = [];
  names.forEach((name, i) => {
    if (!byName.has(name)) {
      const hint = operation === 'add' ? ' (pass createMissing: true to create it)' : '';
      problems.push({ field: `body.tags.${i}`, rule: `is not a tag in this workspace: "${name}"${hint}` });
    }
  });
  ids.forEach((id, i) => {
    if (!byId.has(id.toLowerCase())) problems.push({ field: `body.tagIds.${i}`, rule: `is not a tag in this workspace: ${id}` });
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return [...new Set([...byName.values(), ...ids.map((id) => id.toLowerCase())])].sort();
}

/** Applies the change to already-locked live contacts; bumps and emits only for contacts that changed. */
export async function applyTagChange(client: PoolClient, workspaceId: string, contactIds: string[], tagIds: string[], operation: TagOperation) {
  const changed =
    operation === 'add' ? await addContactTags(client, workspaceId, contactIds, tagIds) : await removeContactTags(client, workspaceId, contactIds, tagIds);
  const ids = [...changed.keys()].sort();
  await touchContacts(client, workspaceId, ids);
  const type = operation === 'add' ? 'contact.tags_added' : 'contact.tags_removed';
  return emitContactEvents(client, workspaceId, ids, type, (c) => ({ tagIds: changed.get(c.id)! }));
}

const usesTag = (id: string) => (tree: Condition) => tagIdsOf(tree).includes(id);

/** `preview` answers dry runs (dependencies/change-preview.ts). */
export function createTagsService(deps: { pool: Pool; jobs?: Pick<JobRunner, 'nudge'>; preview: PreviewChange }) {
  const { pool, jobs } = deps;
  async function requireTag(client: PoolClient | Pool, workspaceId: string, id: string, lock = false): Promise<Tag> {
    const tag = await findTag(client, workspaceId, id, lock);
    if (!tag) throw new NotFoundError(`Tag ${id}`);
    return tag;
  }

  /** Renames or (un)protects a tag in the caller's transaction. */
  async function updateIn(client: PoolClient, workspaceId: string, id: string, change: { name?: string; protected?: boolean }): Promise<Tag> {
    const before = await requireTag(client, workspaceId, id, true);
    if (change.protected && (await pendingTagDeletion(client, workspaceId, id))) {
      throw new ConflictError(`Tag "${before.name}" is being deleted; it cannot be protected now`);
    }
    const after = await updateTag(client, workspaceId, id, change);
    if (after.name !== before.name) {
      await appendOutboxEvent(client, { type: 'tag.renamed', workspaceId, tagId: id, name: after.name, previousName: before.name });
    }
    return after;
  }

  /**
   * Checks a deletion and queues its job in the caller's transaction. Protected tags can be
   * renamed but never deleted. A tag saved segments use is refused (409 naming them) unless
   * forced; forced, those segments are marked broken in the same transaction, so none of them
   * ever silently matches no one.
   */
  async function startDeletionIn(client: PoolClient, workspaceId: string, id: string, options: { force: boolean }): Promise<Job> {
    // The segments lock first (as saving a segment takes it): no segment can start using the
    // tag between this check and the job, and saving checks for pending deletions.
    await lockSegments(client, workspaceId);
    const tag = await requireTag(client, workspaceId, id, true);
    if (tag.protected) throw new ConflictError(`Tag "${tag.name}" is protected: it can be renamed but not deleted`);
    await guardSegmentsUsing(client, workspaceId, usesTag(id), {
      what: `Tag "${tag.name}"`,
      field: 'params.id',
      force: options.force,
      reason: `tag ${JSON.stringify(tag.name)} was deleted`,
      missing: { kind: 'tag', id, name: tag.name },
    });
    return insertJob(client, workspaceId, TAG_DELETE_JOB, { tagId: id, name: tag.name }, await countContactsWithTag(client, workspaceId, id));
  }

  /** A dry run: the write rehearsed (rolled back) for its refusal, and the segments using the tag with their counts. */
  async function previewTagChange(
    workspaceId: string,
    id: string,
    plan: Pick<ChangePlan, 'operation' | 'effect' | 'contactsAffected'>,
    rehearse: (client: PoolClient) => Promise<unknown>,
  ) {
    const refusal = await refusalOf(pool, rehearse);
    const tag = await requireTag(pool, workspaceId, id);
    return deps.preview(workspaceId, { ...plan, subject: { kind: 'tag', id, name: tag.name }, uses: usesTag(id), refusal });
  }

  return {
    createTag: (workspaceId: string, name: string, isProtected = false) => inTransaction(pool, (c) => insertTag(c, workspaceId, name, isProtected)),
    listTags: (workspaceId: string, page: ListQuery) =>
      textKeyedPage(
        page,
        'tags',
        (range) => listTagsWithCounts(pool, workspaceId, range),
        (t) => t.name,
      ),
    getTag: (workspaceId: string, id: string) => requireTag(pool, workspaceId, id),

    updateTag: (workspaceId: string, id: string, change: { name?: string; protected?: boolean }): Promise<Tag> =>
      inTransaction(pool, (client) => updateIn(client, workspaceId, id, change)),

    /** PATCH with dryRun: a new name shows in the text of the segments that use the tag; no contact changes (they hold its id). */
    async previewUpdateTag(workspaceId: string, id: string, change: { name?: string; protected?: boolean }) {
      const renames = change.name !== undefined && change.name !== (await requireTag(pool, workspaceId, id)).name;
      return previewTagChange(
        workspaceId,
        id,
        {
          operation: renames ? 'tag.rename' : 'tag.update',
          effect: (s) => (renames && s.dependency === 'direct' ? 'text_changes' : 'unchanged'),
          contactsAffected: 0,
        },
        (client) => updateIn(client, workspaceId, id, change),
      );
    },

    /** Starts the deletion job (see startDeletionIn). */
    async deleteTag(workspaceId: string, id: string, options: { force: boolean } = { force: false }): Promise<Job> {
      const job = await inTransaction(pool, (client) => startDeletionIn(client, workspaceId, id, options));
      jobs?.nudge();
      return job;
    },

    /** DELETE with dryRun: the segments that would be marked broken (with force=true; without it, the 409 as the refusal) and the contacts carrying the tag. */
    previewDeleteTag: async (workspaceId: string, id: string, options: { force: boolean }) =>
      previewTagChange(
        workspaceId,
        id,
        {
          operation: 'tag.delete',
          effect: (s) => (s.dependency === 'direct' ? 'marked_broken' : 'uses_broken'),
          contactsAffected: await countContactsWithTag(pool, workspaceId, id),
        },
        (client) => startDeletionIn(client, workspaceId, id, options),
      ),

    /** One chunk of a tag deletion: remove the tag from up to DELETE_CHUNK contacts, or, when none is left, delete the tag. */
    async deleteTagChunk(client: PoolClient, job: Job): Promise<ChunkResult> {
      const { tagId, name } = job.params as { tagId: string; name: string };
      const workspaceId = job.workspaceId!; // tag jobs always belong to a workspace
      // Lock order matches every other writer: contacts (in id order) first, the tag row last.
      const contactIds = await contactsWithTag(client, workspaceId, tagId, DELETE_CHUNK);
      if (contactIds.length > 0) {
        await applyTagChange(client, workspaceId, contactIds, [tagId], 'remove');
        return { processed: contactIds.length, finished: false };
      }
      // None left: lock the tag row, which blocks new taggings (their foreign key check needs a
      // share lock on it), and count again without locking contacts; a tagging that committed
      // meanwhile is handled by the next chunk. Taggings after the delete fail with a 409.
      const tag = await findTag(client, workspaceId, tagId, true);
      if (!tag) return { processed: 0, finished: true };
      if ((await countContactsWithTag(client, workspaceId, tagId)) > 0) return { processed: 0, finished: false };
      await deleteTagRow(client, workspaceId, tagId);
      await appendOutboxEvent(client, { type: 'tag.deleted', workspaceId: workspaceId, tagId, name });
      return { processed: 0, finished: true };
    },

    async changeContactTags(workspaceId: string, contactId: string, selection: TagSelection, operation: TagOperation): Promise<ContactSnapshot> {
      return inTransaction(pool, async (client) => {
        await lockLiveContact(client, workspaceId, contactId);
        const tagIds = await resolveTags(client, workspaceId, selection, operation);
        const [changed] = await applyTagChange(client, workspaceId, [contactId], tagIds, operation);
        if (changed) return changed;
        return answerUnchanged(client, workspaceId, (await loadSnapshot(client, workspaceId, contactId))!);
      });
    },

    /**
     * Adds or removes tags on many contacts by id, in chunks that commit one by one (each is
     * idempotent, so a retry after a failure converges). Unknown and deleted contacts are skipped.
     */
    async bulkChangeTags(workspaceId: string, contactIds: string[], selection: TagSelection, operation: TagOperation) {
      const tagIds = await inTransaction(pool, (client) => resolveTags(client, workspaceId, selection, operation));
      let changed = 0;
      const { matched, notFound } = await changeLiveContactsInChunks(pool, workspaceId, contactIds, async (client, live) => {
        changed += (await applyTagChange(client, workspaceId, live, tagIds, operation)).length;
      });
      return { requested: contactIds.length, matched, changed, notFound, tagIds };
    },
  };
}
export type TagsService = ReturnType<typeof createTagsService>;
