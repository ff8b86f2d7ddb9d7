// The one writer behind every contact write that carries fields, tags, labels and statuses:
// create, upsert, batch upsert and import. A batch is planned in Node (validation against the
// workspace's tags, custom fields, label limit and unique emails, folding of items that reach the
// same contact) and written with a handful of set-wise statements, whatever its size: one insert
// of the new contacts, one of their tags, one of their labels, one update of the matched contacts,
// one insert of status history and one of the outbox events, built by Postgres from the rows.
import { v7 as timeOrderedUuid } from 'uuid';
import {
  assertNever,
  CONTACT_FIELDS,
  type ContactFieldSpec,
  contactFieldsWithout,
  CustomFieldValue,
  LIMITS,
  lockForTransaction,
  PoolClient,
  type Queryable,
  StatusChannel,
} from '@segmenter/shared';
import { mergeCustomFields } from '../custom-fields/custom-field-values';
import { loadDefinitions } from '../custom-fields/custom-fields-store';
import { ConflictError, FieldProblem } from '../errors/app-error';
import { ensureTagsByName, tagsByIds, tagsByNames } from '../tags/tags-store';
import type { ContactWrite, MatchBy } from './contact-schemas';
import { emitUpsertedEvents } from './contact-changes';
import { recordWrittenVersions } from '../consistency/write-tracking';
import { contactsByIdsSql, fieldColumns } from './contacts-store';
import { isSuppressing, stricterStatus, strictnessOf } from '../suppressions/status-strictness';
import { findSuppressions, FoundSuppression, recordSuppressions, suppressionOf } from '../suppressions/suppressions-store';

export type WriteStatus = 'created' | 'updated' | 'unchanged' | 'skipped';

/** What happened to one item. Problems name fields relative to the item (`tags.0`, `labels.tier`). */
export type ItemOutcome =
  | { status: WriteStatus; contactId: string; version: number }
  | { status: 'error'; problems: FieldProblem[]; /** the rule broken is uniqueness (a 409 for a single write) */ conflict?: boolean };

export interface WriteOptions {
  /** Match items to live contacts by this field; null creates every item as a new contact. */
  matchBy: MatchBy | null;
  /** What to do with an item that matches a contact: change it (default) or leave it as it is. */
  onMatch?: 'update' | 'skip';
  /** Create tags named in `tags` that do not exist yet, instead of refusing the item. */
  createMissingTags?: boolean;
  /** Who writes, for the status history of items that set a status without a reason ("upsert", "import 5f…"). */
  writtenBy: string;
  /** The source of contacts the write creates when an item names none (an import's are 'import'; 'api' otherwise). */
  newContactSource?: string;
  /** With onMatch 'skip': matched contacts this same run created earlier (an import's own), which are merged into, not skipped. */
  ownContacts?: (ids: string[]) => Promise<Set<string>>;
}

/** SQL reading a column of a given Postgres type from a jsonb document keyed by column names. */
function readFromDocument(sqlType: ContactFieldSpec['sqlType'], column: string): (doc: string) => string {
  switch (sqlType) {
    case 'text':
      return (doc) => `${doc}->>'${column}'`;
    case 'smallint':
    case 'timestamptz':
      return (doc) => `(${doc}->>'${column}')::${sqlType}`;
    case 'text[]':
      return (doc) => `array(select jsonb_array_elements_text(${doc}->'${column}'))`;
    default:
      return assertNever(sqlType);
  }
}

/** The contact columns a write may set (the table's fields and statuses, and custom fields), with the SQL to read each from the write's jsonb document. */
const WRITABLE_COLUMNS: { column: string; read: (doc: string) => string }[] = [
  ...contactFieldsWithout({ writtenAs: 'service' }).map((name) => {
    const { column, sqlType } = CONTACT_FIELDS[name];
    return { column, read: readFromDocument(sqlType, column) };
  }),
  { column: 'custom_fields', read: (doc) => `${doc}->'custom_fields'` },
];

/** The column values an item gives (undefined = not given; null = cleared), as snake_case keys. */
function columnValues(write: ContactWrite): Record<string, unknown> {
  const columns = fieldColumns(write);
  if (write.emailStatus !== undefined) columns.push(['email_status', write.emailStatus]);
  if (write.phoneStatus !== undefined) columns.push(['phone_status', write.phoneStatus]);
  return Object.fromEntries(columns);
}

interface ExistingContact {
  id: string;
  email: string | null;
  phone: string | null;
  emailStatus: string;
  phoneStatus: string;
  customFields: Record<string, CustomFieldValue>;
  labelKeys: Set<string>;
}

/** All the items that reach one contact, folded in item order into one write. */
interface ContactPlan {
  contactId: string;
  existing?: ExistingContact;
  items: number[];
  columns: Record<string, unknown>;
  customFields?: Record<string, CustomFieldValue>;
  tagIds: Set<string>;
  /** Labels after the write when `replaceLabels`, else the labels to set. */
  labels: Map<string, string>;
  replaceLabels: boolean;
  labelKeys: Set<string>;
  /** The email the contact holds so far in this batch. */
  email: string | null;
  statusReason?: string;
  /** Per channel, why the status is a suppression carried over from the list (the history's reason). */
  suppressedBecause: Partial<Record<StatusChannel, string>>;
  createdAt?: string;
  skipped: boolean;
}

function labelEntries(labels: ContactWrite['labels']): [string, string][] {
  return labels ? Object.entries(labels) : [];
}

/**
 * Writes `items` in one transaction (the caller's). Items that break a rule fail alone with their
 * problems; items that reach the same contact (same match value) are folded in item order, later
 * values winning field by field, tags adding up, labels merging (or the last `replace` winning).
 * Returns one outcome per item, in item order.
 */
export async function writeContacts(client: PoolClient, workspaceId: string, items: ContactWrite[], options: WriteOptions): Promise<ItemOutcome[]> {
  const outcomes: (ItemOutcome | undefined)[] = items.map(() => undefined);
  const fail = (index: number, problems: FieldProblem[], conflict = false) => {
    outcomes[index] = { status: 'error', problems, ...(conflict ? { conflict } : {}) };
  };

  const definitions = items.some((i) => i.customFields !== undefined) ? await loadDefinitions(client, workspaceId) : new Map();
  const matchBy = options.matchBy;
  const existingByValue = matchBy
    ? await lockMatchedContacts(
        client,
        workspaceId,
        matchBy,
        items.map((i) => i[matchBy]).filter((v): v is string => !!v),
      )
    : new Map<string, ExistingContact>();
  const own = options.onMatch === 'skip' && options.ownContacts ? await options.ownContacts([...existingByValue.values()].map((c) => c.id)) : new Set<string>();
  // Tags by name (created when asked) and by id, looked up once for the whole batch; after the
  // contacts are locked, the order every other tag writer takes (contact, then tag), so the two never deadlock.
  const names = [...new Set(items.flatMap((i) => i.tags ?? []))];
  if (options.createMissingTags && names.length > 0) await ensureTagsByName(client, workspaceId, names);
  const tagIdByName = new Map((await tagsByNames(client, workspaceId, names)).map((t) => [t.name, t.id]));
  const knownTagIds = new Set((await tagsByIds(client, workspaceId, [...new Set(items.flatMap((i) => i.tagIds ?? []))])).map((t) => t.id));
  const itemTagIds = items.map((item, index) => {
    const problems: FieldProblem[] = [];
    const ids = new Set<string>();
    (item.tags ?? []).forEach((name, i) => {
      const id = tagIdByName.get(name);
      if (id) ids.add(id);
      else problems.push({ field: `tags.${i}`, rule: `is not a tag in this workspace: "${name}" (create it first, or pass createMissing)` });
    });
    (item.tagIds ?? []).forEach((id, i) => {
      if (knownTagIds.has(id)) ids.add(id);
      else problems.push({ field: `tagIds.${i}`, rule: `is not a tag in this workspace: ${id}` });
    });
    if (problems.length > 0) fail(index, problems);
    return ids;
  });

  // Emails are unique among a workspace's live contacts: who holds each email an item sets.
  const emailHolders = await liveEmailHolders(
    client,
    workspaceId,
    items.map((i) => i.email).filter((e): e is string => !!e && matchBy !== 'email'),
  );

  const plans = new Map<string, ContactPlan>();
  items.forEach((item, index) => {
    if (outcomes[index]) return;
    const key = matchBy ? `${item[matchBy]}` : `#${index}`;
    let plan = plans.get(key);
    if (!plan) {
      const existing = existingByValue.get(key);
      plan = {
        // Time-ordered ids: a batch of new contacts lands at the end of every index keyed by
        // contact id (contacts, labels, tags) instead of on random pages all over them.
        contactId: existing?.id ?? timeOrderedUuid(),
        existing,
        items: [],
        columns: {},
        tagIds: new Set(),
        labels: new Map(),
        replaceLabels: false,
        labelKeys: new Set(existing?.labelKeys ?? []),
        email: existing?.email ?? null,
        suppressedBecause: {},
        skipped: !!existing && options.onMatch === 'skip' && !own.has(existing.id),
      };
    }
    if (plan.skipped) {
      plans.set(key, plan);
      plan.items.push(index);
      return;
    }
    const problems: FieldProblem[] = [];
    let conflict = false;
    if (item.email) {
      const holder = emailHolders.get(item.email);
      if (holder && holder !== plan.contactId) {
        problems.push({ field: 'email', rule: 'must be unique in the workspace' });
        conflict = true;
      }
    }
    let customFields = plan.customFields;
    if (item.customFields !== undefined) {
      const merged = mergeCustomFields(definitions, plan.customFields ?? plan.existing?.customFields ?? {}, item.customFields, 'customFields');
      if ('problems' in merged) problems.push(...merged.problems);
      else customFields = merged.fields;
    }
    const entries = labelEntries(item.labels);
    // Replace needs labels to replace with: a write without labels leaves them alone, whatever its mode.
    const replace = item.labelsMode === 'replace' && item.labels !== undefined;
    const keysAfter = replace ? new Set(entries.map(([k]) => k)) : new Set([...plan.labelKeys, ...entries.map(([k]) => k)]);
    if (keysAfter.size > LIMITS.labelsPerContact) {
      const over = entries.filter(([k]) => !plan!.labelKeys.has(k)).map(([k]) => k);
      for (const k of over) problems.push({ field: `labels.${k}`, rule: `does not fit: a contact holds at most ${LIMITS.labelsPerContact} labels` });
    }
    if (problems.length > 0) return fail(index, problems, conflict && problems.length === 1);

    // The item is good: fold it into its contact's plan.
    plans.set(key, plan);
    plan.items.push(index);
    Object.assign(plan.columns, columnValues(item));
    plan.customFields = customFields;
    for (const id of itemTagIds[index]!) plan.tagIds.add(id);
    if (replace) {
      plan.labels = new Map(entries);
      plan.replaceLabels = true;
    } else for (const [k, v] of entries) plan.labels.set(k, v);
    plan.labelKeys = keysAfter;
    if (item.statusReason) plan.statusReason = item.statusReason;
    if (item.createdAt) plan.createdAt = item.createdAt;
    if (item.email !== undefined && matchBy !== 'email') {
      // The contact gives up the email it held so far (before the batch or from an earlier
      // item), and a later item may take it, as it could one write after the other.
      if (plan.email && emailHolders.get(plan.email) === plan.contactId) emailHolders.delete(plan.email);
      if (item.email) emailHolders.set(item.email, plan.contactId);
      plan.email = item.email;
    }
  });

  const active = [...plans.values()].filter((p) => !p.skipped);
  await carryOverSuppressions(client, workspaceId, active);
  const versions = await applyPlans(client, workspaceId, active, options.writtenBy, options.newContactSource ?? 'api');
  for (const plan of plans.values()) {
    const status: WriteStatus = plan.skipped ? 'skipped' : !plan.existing ? 'created' : versions.changed.has(plan.contactId) ? 'updated' : 'unchanged';
    const version = versions.byId.get(plan.contactId) ?? 0;
    // The first item reports what the batch did to the contact; later ones changed an existing
    // (or just created) contact, as they would have one after the other.
    plan.items.forEach((index, i) => {
      outcomes[index] = { status: i > 0 && status === 'created' ? 'updated' : status, contactId: plan.contactId, version };
    });
  }
  return outcomes as ItemOutcome[];
}

/**
 * Serialises writers of the same match values (two batches creating the same new phone must not
 * both insert: phones have no unique index), then locks and returns the live contacts holding
 * them; when several hold one value, the oldest is the match, as for a single upsert.
 */
async function lockMatchedContacts(client: Queryable, workspaceId: string, matchBy: MatchBy, values: string[]): Promise<Map<string, ExistingContact>> {
  const unique = [...new Set(values)].sort();
  if (unique.length === 0) return new Map();
  // Locks even for emails, whose unique index would settle a race on its own: two batches that
  // insert the same new emails in different orders would deadlock on that index instead.
  if (unique.length === 1) await lockForTransaction(client, `upsert:${workspaceId}:${matchBy}:${unique[0]}`);
  else {
    // Sorted, so two batches sharing values take their locks in the same order (no deadlock).
    await client.query(`select pg_advisory_xact_lock(hashtext(k)) from (select $1 || v as k from unnest($2::text[]) v order by 1) s`, [
      `upsert:${workspaceId}:${matchBy}:`,
      unique,
    ]);
  }
  // The holders are found one value at a time (see liveHoldersSql), then locked in id order (two
  // writers that lock overlapping contacts lock them in the same order); the outer conditions are
  // checked again on the locked row, so a contact that changed its value or was deleted meanwhile
  // is not taken for a match.
  const { rows } = await client.query(
    `select c.id, c.${matchBy} as value, c.email, c.phone, c.email_status, c.phone_status, c.custom_fields, c.created_at,
            array(select l.key from contact_labels l where l.contact_id = c.id) as label_keys
       from contacts c
      where c.id = any(array(select h.id from ${liveHoldersSql(matchBy, '$1', '$2::text[]')}))
        and c.workspace_id = $1 and c.${matchBy} = any($2::text[]) and c.deleted_at is null
      order by c.id for update of c`,
    [workspaceId, unique],
  );
  const oldest = new Map<string, { row: any; at: number }>();
  for (const row of rows) {
    const at = row.created_at.getTime();
    const seen = oldest.get(row.value);
    if (!seen || at < seen.at || (at === seen.at && row.id < seen.row.id)) oldest.set(row.value, { row, at });
  }
  return new Map(
    [...oldest].map(([value, { row }]) => [
      value,
      {
        id: row.id,
        email: row.email,
        phone: row.phone,
        emailStatus: row.email_status,
        phoneStatus: row.phone_status,
        customFields: row.custom_fields,
        labelKeys: new Set(row.label_keys),
      },
    ]),
  );
}

/**
 * The live contacts of `workspace` holding each of `values` (SQL of a text[]) in `column`, as `h`,
 * each value found by its own index probe. `workspace_id = $1 and email = any($2)` leaves the plan
 * to statistics, and without them (a server without autovacuum, or a workspace too new to be in
 * them) Postgres scanned the workspace's whole range of the index and filtered it by the list: a
 * scan of every contact of the workspace per chunk, so a million-row import slowed with every
 * chunk. The lateral subquery behind OFFSET 0 can only be run once per value.
 */
const liveHoldersSql = (column: MatchBy, workspace: string, values: string) =>
  `unnest(${values}) as wanted(value) cross join lateral (
     select h.id, h.${column} from contacts h where h.workspace_id = ${workspace} and h.${column} = wanted.value and h.deleted_at is null offset 0) h`;

async function liveEmailHolders(client: Queryable, workspaceId: string, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const { rows } = await client.query(`select h.email, h.id from ${liveHoldersSql('email', '$1', '$2::text[]')}`, [workspaceId, [...new Set(emails)]]);
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** Writes the plans set-wise; returns every written contact's new version and which existing ones changed. */
async function applyPlans(client: Queryable, workspaceId: string, plans: ContactPlan[], writtenBy: string, newContactSource: string) {
  const created = plans.filter((p) => !p.existing);
  const matched = plans.filter((p) => p.existing);

  if (created.length > 0) {
    const docs = created.map((p) => ({
      ...p.columns,
      id: p.contactId,
      custom_fields: p.customFields ?? {},
      created_at: p.createdAt ?? null,
    }));
    const columns = WRITABLE_COLUMNS.filter((c) => c.column !== 'custom_fields');
    await client.query(
      `insert into contacts (id, workspace_id, ${columns.map((c) => c.column).join(', ')}, custom_fields, created_at)
       select (d->>'id')::uuid, $1, ${columns.map((c) => `case when d ? '${c.column}' then ${c.read('d')} else ${COLUMN_DEFAULTS[c.column] ?? 'null'} end`).join(', ')},
              d->'custom_fields', coalesce((d->>'created_at')::timestamptz, now())
         from jsonb_array_elements($2::jsonb) d`,
      [workspaceId, JSON.stringify(docs), newContactSource],
    );
  }

  // Tags and labels first: which matched contacts they changed decides whose version moves.
  const touched = new Set<string>();
  // New contacts' rows cannot conflict: a plain insert, without the cost of ON CONFLICT's
  // speculative insertion (half the time of these statements). Matched contacts' rows may exist.
  const tagRows = (of: ContactPlan[]) => of.flatMap((p) => [...p.tagIds].map((t) => [p.contactId, t] as const));
  const newTags = tagRows(created);
  if (newTags.length > 0) {
    await client
      .query('insert into contact_tags (workspace_id, contact_id, tag_id) select $1, c, t from unnest($2::uuid[], $3::uuid[]) as x(c, t)', [
        workspaceId,
        newTags.map(([c]) => c),
        newTags.map(([, t]) => t),
      ])
      .catch(tagDeletedMeanwhile);
  }
  const matchedTags = tagRows(matched);
  if (matchedTags.length > 0) {
    const { rows } = await client
      .query(
        `insert into contact_tags (workspace_id, contact_id, tag_id)
       select $1, c, t from unnest($2::uuid[], $3::uuid[]) as x(c, t)
       on conflict do nothing returning contact_id`,
        [workspaceId, matchedTags.map(([c]) => c), matchedTags.map(([, t]) => t)],
      )
      .catch(tagDeletedMeanwhile);
    for (const r of rows) touched.add(r.contact_id);
  }
  const replacing = matched.filter((p) => p.replaceLabels);
  if (replacing.length > 0) {
    const keep = replacing.flatMap((p) => [...p.labels.keys()].map((k) => [p.contactId, k] as const));
    const { rows } = await client.query(
      `delete from contact_labels l
        where l.workspace_id = $1 and l.contact_id = any($2::uuid[])
          and not exists (select 1 from unnest($3::uuid[], $4::text[]) as k(c, key) where k.c = l.contact_id and k.key = l.key)
       returning l.contact_id`,
      [workspaceId, replacing.map((p) => p.contactId), keep.map(([c]) => c), keep.map(([, k]) => k)],
    );
    for (const r of rows) touched.add(r.contact_id);
  }
  const labelRows = (of: ContactPlan[]) => of.flatMap((p) => [...p.labels].map(([k, v]) => [p.contactId, k, v] as const));
  const labelColumns = (rows: (readonly [string, string, string])[]) => [workspaceId, rows.map(([c]) => c), rows.map(([, k]) => k), rows.map(([, , v]) => v)];
  const newLabels = labelRows(created);
  if (newLabels.length > 0) {
    await client.query(
      'insert into contact_labels (workspace_id, contact_id, key, value) select $1, c, k, v from unnest($2::uuid[], $3::text[], $4::text[]) as x(c, k, v)',
      labelColumns(newLabels),
    );
  }
  const matchedLabels = labelRows(matched);
  if (matchedLabels.length > 0) {
    const { rows } = await client.query(
      `insert into contact_labels (workspace_id, contact_id, key, value)
       select $1, c, k, v from unnest($2::uuid[], $3::text[], $4::text[]) as x(c, k, v)
       on conflict (contact_id, key) do update set value = excluded.value where contact_labels.value <> excluded.value
       returning contact_id`,
      labelColumns(matchedLabels),
    );
    for (const r of rows) touched.add(r.contact_id);
  }
  // Matched contacts: set the given columns and bump the version once, only where something changed.
  const changed = new Set<string>();
  if (matched.length > 0) {
    const docs = matched.map((p) => ({ ...p.columns, ...(p.customFields ? { custom_fields: p.customFields } : {}), id: p.contactId }));
    const sets = WRITABLE_COLUMNS.map((c) => `${c.column} = case when d.doc ? '${c.column}' then ${c.read('d.doc')} else c.${c.column} end`);
    const differs = WRITABLE_COLUMNS.map((c) => `(d.doc ? '${c.column}' and c.${c.column} is distinct from ${c.read('d.doc')})`);
    const { rows } = await client.query(
      `update contacts c set ${sets.join(', ')}, version = c.version + 1, updated_at = now()
         from (select (e->>'id')::uuid as id, e as doc from jsonb_array_elements($2::jsonb) e) d
        where c.workspace_id = $1 and c.id = d.id and (c.id = any($3::uuid[]) or ${differs.join(' or ')})
        returning c.id`,
      [workspaceId, JSON.stringify(docs), [...touched]],
    );
    for (const r of rows) changed.add(r.id);
  }

  // Status history: every status a write set that differs from before (new contacts: not 'active').
  const history: [string, string, string, string][] = [];
  for (const p of plans) {
    const reason = p.statusReason ?? (p.existing ? `set by ${writtenBy}` : 'set at creation');
    for (const [channel, column, before] of [
      ['email', 'email_status', p.existing?.emailStatus ?? 'active'],
      ['phone', 'phone_status', p.existing?.phoneStatus ?? 'active'],
    ] as const) {
      const status = p.columns[column] as string | undefined;
      if (status !== undefined && status !== before) history.push([p.contactId, channel, status, p.suppressedBecause[channel] ?? reason]);
    }
  }
  if (history.length > 0) {
    await client.query(
      `insert into contact_status_changes (workspace_id, contact_id, channel, status, reason)
       select $1, c, ch, s, r from unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) as x(c, ch, s, r)`,
      [workspaceId, history.map((h) => h[0]), history.map((h) => h[1]), history.map((h) => h[2]), history.map((h) => h[3])],
    );
    // A suppressing status a write set goes on the list (only ever stricter there), so it outlives the contact.
    const byId = new Map(plans.map((p) => [p.contactId, p]));
    await recordSuppressions(
      client,
      workspaceId,
      history.flatMap(([contactId, channel, status, reason]) => {
        const address = addressAfter(byId.get(contactId)!, channel as StatusChannel);
        return address ? [{ channel: channel as StatusChannel, address, status, reason, contactId }] : [];
      }),
      'stricter',
    );
  }

  // One event per created or changed contact, its snapshot built by Postgres from the rows.
  const byId = await emitUpsertedEvents(client, workspaceId, [...created.map((p) => p.contactId), ...changed], new Set(created.map((p) => p.contactId)));
  // Unchanged contacts answer with their current version, and the request's Consistency-Token
  // names it too (a read with the token sees at least what the answer showed).
  const unchanged = matched.filter((p) => !changed.has(p.contactId)).map((p) => p.contactId);
  if (unchanged.length > 0) {
    const { rows } = await client.query(`select c.id, c.version from ${contactsByIdsSql('$1', '$2::uuid[]')}`, [workspaceId, unchanged]);
    for (const r of rows) byId.set(r.id, Number(r.version));
    recordWrittenVersions(
      client,
      workspaceId,
      rows.map((r) => ({ contactId: r.id as string, version: Number(r.version) })),
    );
  }
  return { byId, changed };
}

const CHANNEL_COLUMNS = { email: { address: 'email', status: 'email_status' }, phone: { address: 'phone', status: 'phone_status' } } as const;

/** The address a plan's contact holds on a channel after the write. */
function addressAfter(plan: ContactPlan, channel: StatusChannel): string | null {
  const written = plan.columns[CHANNEL_COLUMNS[channel].address];
  return written !== undefined ? (written as string | null) : (plan.existing?.[channel] ?? null);
}

/** Why a contact's status came from the list, for its status history. */
function suppressionReason(entry: FoundSuppression): string {
  const from = {
    'deleted contact': 'kept from a deleted contact',
    'erased contact': 'kept from an erased contact',
    'live contact': 'as on another contact',
    list: 'on the suppression list',
  }[entry.origin];
  return `suppressed: ${entry.status} on ${entry.suppressedAt.slice(0, 10)}, ${from}`;
}

/**
 * The precedence of statuses on a write (docs/sendability.md): the strictest wins. A contact the
 * write creates, or whose address or status it sets, gets the status of its address on the
 * suppression list when that is stricter than the one asked for (or the default), and a matched
 * contact keeps its own suppressing status against a weaker one: an import or upsert never
 * silently undoes an unsubscribe. Only an explicit status change on the contact lifts it.
 */
async function carryOverSuppressions(client: Queryable, workspaceId: string, plans: ContactPlan[]): Promise<void> {
  const concerned = plans.flatMap((plan) =>
    (['email', 'phone'] as const).flatMap((channel) => {
      const columns = CHANNEL_COLUMNS[channel];
      const address = addressAfter(plan, channel);
      const touched = !plan.existing || plan.columns[columns.address] !== undefined || plan.columns[columns.status] !== undefined;
      return touched ? [{ plan, channel, address }] : [];
    }),
  );
  if (concerned.length === 0) return;
  const withAddress = concerned.filter((c): c is typeof c & { address: string } => !!c.address);
  const found = await findSuppressions(
    client,
    workspaceId,
    withAddress.map(({ channel, address }) => ({ channel, address })),
  );
  for (const { plan, channel, address } of concerned) {
    const column = CHANNEL_COLUMNS[channel].status;
    const before = plan.existing ? (channel === 'email' ? plan.existing.emailStatus : plan.existing.phoneStatus) : undefined;
    const asked = (plan.columns[column] as string | undefined) ?? before ?? 'active';
    let status = before !== undefined && isSuppressing(channel, before) ? stricterStatus(channel, asked, before) : asked;
    const entry = address ? suppressionOf(found, { channel, address }) : undefined;
    if (entry && strictnessOf(channel, entry.status) > strictnessOf(channel, status)) {
      status = entry.status;
      plan.suppressedBecause[channel] = suppressionReason(entry);
    }
    if (status !== asked) plan.columns[column] = status;
  }
}

/** A tag deleted between looking it up and using it (its deletion job committed meanwhile): a 409 to retry, not a 500. */
function tagDeletedMeanwhile(err: { code?: string }): never {
  if (err.code === '23503') throw new ConflictError('A tag of this write was deleted meanwhile; retry with existing tags');
  throw err;
}

/** What a new contact gets for a column its write does not give. */
const COLUMN_DEFAULTS: Record<string, string> = {
  subscription_categories: `'{}'::text[]`,
  source: '$3',
  email_status: `'active'`,
  phone_status: `'active'`,
};
