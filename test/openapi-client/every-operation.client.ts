// @ts-nocheck: its types exist only where openapi-client.test.ts generates them; that test removes this line and type-checks the file there.
// A client of the API as an integrator would write it: one call of every operation through
// openapi-fetch, typed by the types openapi-typescript generates from the document. It is never
// run; it must compile, so a request or answer the document leaves untyped fails the test.
import createClient from 'openapi-fetch';
import type { components, paths } from './api-types';

type Contact = components['schemas']['Contact'];
type Problem = components['schemas']['Problem'];

const id = '00000000-0000-4000-8000-000000000000';
const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000', headers: { 'X-Api-Key': 'sk_example' } });

/** Answers are typed: a wrong field name or type here fails to compile. */
function useContact(contact: Contact | undefined): string | null | undefined {
  return contact?.email;
}
function useProblem(problem: Problem | undefined): string | undefined {
  return problem?.errors[0]?.field;
}

export async function callEveryOperation(): Promise<void> {
  // Operator
  const workspace = await api.POST('/v1/admin/workspaces', { body: { name: 'Acme' } });
  const key: string | undefined = workspace.data?.apiKey.key;
  await api.POST('/v1/admin/workspaces/{workspaceId}/api-keys', { params: { path: { workspaceId: id } }, body: { name: 'sync', scopes: ['read'] } });
  const keys = await api.GET('/v1/admin/workspaces/{workspaceId}/api-keys', { params: { path: { workspaceId: id } } });
  const prefix: string | undefined = keys.data?.items[0]?.prefix;
  await api.DELETE('/v1/admin/workspaces/{workspaceId}/api-keys/{keyId}', { params: { path: { workspaceId: id, keyId: id } } });
  const index = await api.GET('/v1/admin/search-index');
  const rebuilding: boolean | undefined = index.data?.rebuilding;
  const rebuild = await api.POST('/v1/admin/search-index/rebuild', { body: {} });
  await api.POST('/v1/admin/search-index/reconcile', { body: { repair: true } });
  const systemJob = await api.GET('/v1/admin/search-index/jobs/{id}', { params: { path: { id: rebuild.data?.id ?? id } } });
  const jobStatus: 'queued' | 'running' | 'succeeded' | 'failed' | undefined = systemJob.data?.status;

  // Contacts
  const list = await api.GET('/v1/contacts', { params: { query: { limit: 50, q: 'ada' } } });
  const next: string | null | undefined = list.data?.nextCursor;
  useContact(list.data?.items[0]);
  const deleted = await api.GET('/v1/contacts/deleted', { params: { query: { limit: 10 } } });
  const deletedReason: string | null | undefined = deleted.data?.items[0]?.deletedReason;
  const created = await api.POST('/v1/contacts', { body: { email: 'ada@example.com', firstName: 'Ada', labels: { tier: 'gold' } } });
  const consistencyToken = created.response.headers.get('Consistency-Token') ?? undefined;
  useContact(created.data);
  useProblem(created.error);
  const upserted = await api.POST('/v1/contacts/upsert', { body: { matchBy: 'email', contact: { email: 'ada@example.com', tags: ['VIP'] } } });
  const upsertStatus: 'created' | 'updated' | 'unchanged' | undefined = upserted.data?.status;
  const batch = await api.POST('/v1/contacts/batch-upsert', {
    body: { matchBy: 'email', contacts: [{ email: 'a@example.com' }, { email: 'b@example.com', labels: { plan: 'pro' } }] },
  });
  const failed: number | undefined = batch.data?.summary.failed;
  const read = await api.POST('/v1/contacts/batch-get', { body: { ids: [id] } });
  const missing: string[] | undefined = read.data?.missing;
  useContact(read.data?.items[0]);
  await api.POST('/v1/contacts/bulk-status', { body: { contactIds: [id], channel: 'email', status: 'unsubscribed', reason: 'asked' } });
  useContact((await api.GET('/v1/contacts/{id}', { params: { path: { id } } })).data);
  await api.PATCH('/v1/contacts/{id}', { params: { path: { id } }, body: { lastName: 'Lovelace' } });
  await api.DELETE('/v1/contacts/{id}', { params: { path: { id } }, body: { reason: 'duplicate' } });
  await api.POST('/v1/contacts/{id}/restore', { params: { path: { id } } });
  await api.DELETE('/v1/contacts/{id}/erase', { params: { path: { id } } });
  await api.POST('/v1/contacts/{id}/status', { params: { path: { id } }, body: { channel: 'phone', status: 'blacklisted' } });
  await api.POST('/v1/contacts/{id}/actions/blacklist-email', { params: { path: { id } } });
  await api.POST('/v1/contacts/{id}/actions/blacklist-phone', { params: { path: { id } } });
  await api.POST('/v1/contacts/{id}/actions/unsubscribe-email', { params: { path: { id } } });
  await api.POST('/v1/contacts/{id}/actions/clear-spam-report', { params: { path: { id } } });
  const history = await api.GET('/v1/contacts/{id}/status-history', { params: { path: { id } } });
  const reason: string | null | undefined = history.data?.items[0]?.reason;

  // Tags and labels
  await api.POST('/v1/contacts/{id}/tags/add', { params: { path: { id } }, body: { tags: ['VIP'], createMissing: true } });
  await api.POST('/v1/contacts/{id}/tags/remove', { params: { path: { id } }, body: { tagIds: [id] } });
  await api.PATCH('/v1/contacts/{id}/labels', { params: { path: { id } }, body: { set: { tier: 'gold' }, remove: ['old'] } });
  await api.PUT('/v1/contacts/{id}/labels', { params: { path: { id } }, body: { labels: { tier: 'gold' } } });
  await api.DELETE('/v1/contacts/{id}/labels/{key}', { params: { path: { id, key: 'tier' } } });
  const tags = await api.GET('/v1/tags');
  const contactCount: number | undefined = tags.data?.items[0]?.contactCount;
  const tag = await api.POST('/v1/tags', { body: { name: 'VIP' } });
  await api.GET('/v1/tags/{id}', { params: { path: { id: tag.data?.id ?? id } } });
  await api.PATCH('/v1/tags/{id}', { params: { path: { id } }, body: { name: 'Gold', protected: true } });
  const tagJob = await api.DELETE('/v1/tags/{id}', { params: { path: { id }, query: { force: 'true' } } });
  const done: number | undefined = tagJob.data && 'done' in tagJob.data ? tagJob.data.done : undefined;
  const bulkTags = await api.POST('/v1/tags/bulk-add', { body: { contactIds: [id], tags: ['VIP'] } });
  const notFound: number | undefined = bulkTags.data?.notFound;
  await api.POST('/v1/tags/bulk-remove', { body: { contactIds: [id], tagIds: [id] } });
  const labelKeys = await api.GET('/v1/labels');
  const labelKey: string | undefined = labelKeys.data?.items[0]?.key;
  await api.GET('/v1/labels/{key}/values', { params: { path: { key: 'tier' } } });
  const bulkLabels = await api.POST('/v1/labels/bulk-set', { body: { contactIds: [id], labels: { tier: 'gold' } } });
  const rejectedRule: string | undefined = bulkLabels.data?.rejected[0]?.rule;
  await api.POST('/v1/labels/bulk-remove', { body: { contactIds: [id], keys: ['tier'] } });

  // What depends on what, and dry runs of deletes, renames and label hygiene jobs
  const dependents = await api.GET('/v1/dependencies', { params: { query: { tag: 'VIP' } } });
  const dependency: 'direct' | 'indirect' | undefined = dependents.data?.items[0]?.dependency;
  await api.GET('/v1/dependencies', { params: { query: { labelKey: 'source' } } });
  const tagPreview = await api.DELETE('/v1/tags/{id}', { params: { path: { id }, query: { dryRun: 'true' } } });
  const affectedCount: number | null | undefined = tagPreview.data && 'dryRun' in tagPreview.data ? tagPreview.data.segments[0]?.count?.total : undefined;
  await api.PATCH('/v1/tags/{id}', { params: { path: { id }, query: { dryRun: 'true' } }, body: { name: 'Gold' } });
  const renameJob = await api.POST('/v1/labels/{key}/rename', { params: { path: { key: 'src' } }, body: { to: 'source', updateSegments: true } });
  const staleSegment: string | undefined = renameJob.data && 'job' in renameJob.data ? renameJob.data.segments[0]?.effect : undefined;
  const mergeJob = await api.POST('/v1/labels/{key}/merge-values', {
    params: { path: { key: 'source' }, query: { dryRun: 'true' } },
    body: { from: ['FB', 'fb', 'Facebook'], to: 'facebook' },
  });
  const wouldChange: number | null | undefined = mergeJob.data?.contactsAffected;

  // Activities and custom fields
  const activity = await api.POST('/v1/contacts/{id}/activities', {
    params: { path: { id } },
    body: { channel: 'email', status: 'opened', occurredAt: '2026-01-15T10:00:00Z' },
  });
  const activityId: string | undefined = activity.data?.id;
  await api.GET('/v1/contacts/{id}/activities', { params: { path: { id }, query: { limit: 20 } } });
  await api.POST('/v1/activities/batch', {
    body: { activities: [{ contactId: id, channel: 'sms', status: 'delivered', occurredAt: '2026-01-15T10:00:00Z' }] },
  });
  const fields = await api.GET('/v1/custom-fields');
  const fieldLimit: number | undefined = fields.data?.limit;
  await api.POST('/v1/custom-fields', { body: { key: 'plan', type: 'string' } });
  await api.PATCH('/v1/custom-fields/{key}', { params: { path: { key: 'plan' } }, body: { key: 'tier' } });
  await api.PATCH('/v1/custom-fields/{key}', { params: { path: { key: 'plan' }, query: { dryRun: 'true' } }, body: { key: 'tier' } });
  await api.DELETE('/v1/custom-fields/{key}', { params: { path: { key: 'plan' }, query: { force: 'true' } } });
  await api.DELETE('/v1/custom-fields/{key}', { params: { path: { key: 'plan' }, query: { dryRun: 'true' } } });
  const suppressions = await api.GET('/v1/suppressions', { params: { query: { channel: 'email', limit: 100 } } });
  const suppressed: string | null | undefined = suppressions.data?.items[0]?.address;
  await api.DELETE('/v1/suppressions/{id}', { params: { path: { id } } });

  // Webhooks
  const webhook = await api.POST('/v1/webhooks', { body: { url: 'https://hooks.example.com/segmenter', events: ['segment.entered'], segmentIds: [id] } });
  const webhookSecret: string | undefined = webhook.data?.secret;
  const webhooks = await api.GET('/v1/webhooks', { params: { query: { limit: 10 } } });
  const webhookStatus: 'active' | 'paused' | undefined = webhooks.data?.items[0]?.status;
  await api.GET('/v1/webhooks/{id}', { params: { path: { id } } });
  await api.PATCH('/v1/webhooks/{id}', { params: { path: { id } }, body: { status: 'active', events: ['segment.exited', 'contact.tags_added'] } });
  await api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } });
  const rotated = await api.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } });
  const rotatedSecret: string | undefined = rotated.data?.secret;
  const webhookDeliveries = await api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { status: 'failed', limit: 50 } } });
  const deliveryAttempts: number | undefined = webhookDeliveries.data?.items[0]?.attempts;

  // Duplicates and jobs
  await api.GET('/v1/duplicates/{field}', { params: { path: { field: 'email' } } });
  await api.GET('/v1/duplicates/{field}/{value}/contacts', { params: { path: { field: 'phone', value: '+14155550100' } } });
  const resolved = await api.POST('/v1/duplicates/resolve', { body: { field: 'email', value: 'ada@example.com', keep: 'earliest', action: 'merge' } });
  const kept: string | undefined = resolved.data?.kept;
  await api.GET('/v1/jobs');
  await api.GET('/v1/jobs/{id}', { params: { path: { id } } });

  // Counts and consistency
  const counts = await api.GET('/v1/counts', { params: { query: { consistencyToken, waitMs: 1000 } } });
  const sendableByEmail: number | undefined = counts.data?.sendable.email;
  await api.GET('/v1/consistency', { params: { query: { consistencyToken: 'token' } } });

  // Analytics: numbers from the index's aggregations, with its freshness
  const byChannel = await api.GET('/v1/analytics/channels', { params: { query: { segmentId: id, consistencyToken } } });
  const withPhone: number | undefined = byChannel.data?.channels.phone.contacts;
  const indexLagMs: number | undefined = byChannel.data?.freshness.lagMs;
  const tagCounts = await api.GET('/v1/analytics/tags', { params: { query: { sort: 'name', limit: 50 } } });
  const firstTagCount: number | undefined = tagCounts.data?.items[0]?.contactCount;
  await api.GET('/v1/analytics/labels', { params: { query: { limit: 10 } } });
  const tierValues = await api.GET('/v1/analytics/labels/{key}/values', { params: { path: { key: 'tier' }, query: { segmentId: id } } });
  const withTier: number | undefined = tierValues.data?.contactsWithKey;
  const perWeek = await api.GET('/v1/analytics/contacts-created', {
    params: { query: { interval: 'week', from: '2024-03-01', to: '2024-03-31', timeZone: 'Europe/Paris' } },
  });
  const firstWeekStartsAt: string | undefined = perWeek.data?.buckets[0]?.startsAt;
  await api.GET('/v1/analytics/segments', { params: { query: { ids: `${id},${id}` } } });

  // Segments: the condition tree is typed, recursively
  const segment = await api.POST('/v1/segments', {
    body: {
      name: 'Gold in France',
      condition: {
        kind: 'and',
        conditions: [
          { kind: 'label', key: 'tier', op: 'eq', values: ['gold'] },
          { kind: 'not', condition: { kind: 'sendable', channel: 'email' } },
        ],
      },
    },
  });
  const segmentText: string | undefined = segment.data?.text;
  const warning: string | undefined = segment.data?.warnings[0]?.rule;
  const broken: string | undefined = (await api.GET('/v1/segments', { params: { query: { limit: 10 } } })).data?.items[0]?.broken?.reason;
  await api.GET('/v1/segments/{id}', { params: { path: { id } } });
  await api.PATCH('/v1/segments/{id}', { params: { path: { id } }, body: { text: 'tag:VIP' } });
  await api.DELETE('/v1/segments/{id}', { params: { path: { id } } });
  const blocking = await api.DELETE('/v1/segments/{id}', { params: { path: { id }, query: { dryRun: 'true' } } });
  const refusal: number | undefined = blocking.data?.refusal?.status;
  await api.PATCH('/v1/segments/{id}', { params: { path: { id }, query: { dryRun: 'true' } }, body: { name: 'Renamed' } });
  await api.GET('/v1/contacts/{id}/segments', { params: { path: { id } } });
  const count = await api.POST('/v1/segments/count', { body: { queries: [{ segmentId: id }, { text: 'tag:VIP' }] } });
  const first = count.data?.results[0];
  const total: number | undefined = first && 'total' in first ? first.total : undefined;
  const preview = await api.POST('/v1/segments/preview', { body: { query: { text: 'tag:VIP' }, limit: 10 } });
  const previewEmail: string | null | undefined = preview.data?.contacts[0]?.email;
  const explained = await api.POST('/v1/segments/explain', { body: { query: { text: 'tag:VIP AND city = Paris' } } });
  const biggestCut: number | undefined = explained.data?.tree.biggestCut;
  const firstStepRemaining: number | undefined = explained.data?.tree.funnel?.[0]?.remaining;
  const sizes = await api.GET('/v1/segments/{id}/history', { params: { path: { id }, query: { step: 'day', from: '2026-11-24T00:00:00Z' } } });
  const size: number | undefined = sizes.data?.points[0]?.total;
  await api.GET('/v1/segments/{id}/members', { params: { path: { id }, query: { format: 'csv', fields: 'id,email' } }, parseAs: 'text' });
  await api.POST('/v1/segments/members', { body: { query: { segmentId: id }, fields: 'id,email,tags,custom:plan' }, parseAs: 'stream' });
  const frozen = await api.POST('/v1/segments/{id}/snapshots', { params: { path: { id } } });
  const snapshotId: string | undefined = frozen.data?.snapshot.id;
  await api.POST('/v1/segments/snapshots', { body: { query: { text: 'tag:VIP' } } });
  const snapshots = await api.GET('/v1/snapshots', { params: { query: { limit: 20 } } });
  const expiresAt: string | undefined = snapshots.data?.items[0]?.expiresAt;
  await api.GET('/v1/snapshots/{id}', { params: { path: { id } } });
  await api.DELETE('/v1/snapshots/{id}', { params: { path: { id } } });
  const members = await api.GET('/v1/snapshots/{id}/members', { params: { path: { id }, query: { limit: 1000 } } });
  const memberIds: string[] | undefined = members.data?.contactIds;
  await api.POST('/v1/segments/{id}/actions', { params: { path: { id } }, body: { action: 'add_tags', tagIds: [id] } });
  await api.POST('/v1/segments/actions', { body: { query: { text: 'tag:VIP' }, action: 'remove_labels', keys: ['tier'] } });

  // Imports and exports
  const newImport = await api.POST('/v1/imports', { body: { matchBy: 'email', columns: { 'E-mail': 'email', Notes: null } } });
  const importStatus: string | undefined = newImport.data?.status;
  await api.GET('/v1/imports');
  await api.GET('/v1/imports/template', { parseAs: 'text' });
  await api.GET('/v1/imports/{id}', { params: { path: { id } } });
  await api.PUT('/v1/imports/{id}/file', {
    params: { path: { id } },
    body: 'email\nada@example.com\n',
    bodySerializer: (csv: string) => csv,
    headers: { 'Content-Type': 'text/csv' },
  });
  await api.POST('/v1/imports/{id}/preview', {
    params: { path: { id } },
    body: 'email,first_name\n',
    bodySerializer: (csv: string) => csv,
    headers: { 'Content-Type': 'text/csv' },
  });
  await api.POST('/v1/imports/{id}/cancel', { params: { path: { id } } });
  const rejections = await api.GET('/v1/imports/{id}/rejections', { params: { path: { id }, query: { after: 0, limit: 100 } } });
  const rowNumber: number | undefined = rejections.data?.items[0]?.rowNumber;
  await api.GET('/v1/imports/{id}/rejected-rows', { params: { path: { id } }, parseAs: 'text' });
  await api.POST('/v1/exports/contacts', { body: { segment: { segmentId: id }, columns: ['id', 'email'] }, parseAs: 'text' });

  void [
    dependency,
    affectedCount,
    staleSegment,
    wouldChange,
    refusal,
    expiresAt,
    deletedReason,
    missing,
    suppressed,
    warning,
    broken,
    key,
    prefix,
    rebuilding,
    jobStatus,
    next,
    upsertStatus,
    failed,
    reason,
    contactCount,
    done,
    notFound,
    labelKey,
    rejectedRule,
    activityId,
    fieldLimit,
    kept,
    sendableByEmail,
    withPhone,
    indexLagMs,
    firstTagCount,
    withTier,
    firstWeekStartsAt,
    segmentText,
    size,
    total,
    previewEmail,
    biggestCut,
    firstStepRemaining,
    snapshotId,
    memberIds,
    importStatus,
    rowNumber,
    webhookSecret,
    webhookStatus,
    rotatedSecret,
    deliveryAttempts,
  ];
}
