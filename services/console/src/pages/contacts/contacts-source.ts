// One page of contacts for the Contacts screen, from whichever endpoint serves the view asked for:
// the live list (GET /v1/contacts: search, sort), the Deleted view (GET /v1/contacts/deleted), or,
// with a channel status filter, the members of an ad hoc segment (POST /v1/segments/members,
// id order) read up to one page and then cancelled: never the whole list.
import { api, type Contact } from '../../api/client';
import { unwrap } from '../../api/problem';

export type ContactsTab = 'live' | 'deleted';
export type LiveSort = 'created' | 'updated' | 'email_rating';
export type DeletedSort = 'created' | 'deleted';
export type EmailStatus = Contact['emailStatus'];
export type PhoneStatus = Contact['phoneStatus'];

export const EMAIL_STATUSES: EmailStatus[] = ['active', 'unsubscribed', 'spam_report', 'blacklisted', 'unconfirmed'];
export const PHONE_STATUSES: PhoneStatus[] = ['active', 'opted_out', 'blacklisted'];

export interface ContactsView {
  tab: ContactsTab;
  q?: string;
  sort: LiveSort | DeletedSort;
  order: 'asc' | 'desc';
  emailStatus?: EmailStatus;
  phoneStatus?: PhoneStatus;
  limit: number;
}

/** A row of the table: the fields shown (a member stream carries only those), plus why it was deleted in that view. */
export type ContactRow = Pick<
  Contact,
  'id' | 'email' | 'phone' | 'firstName' | 'lastName' | 'emailStatus' | 'phoneStatus' | 'emailRating' | 'createdAt' | 'updatedAt'
> & { deletedAt?: string | null; deletedReason?: string | null };

export interface ContactsPage {
  rows: ContactRow[];
  nextCursor: string | null;
}

const MEMBER_FIELDS = 'id,email,phone,firstName,lastName,emailStatus,phoneStatus,emailRating,createdAt,updatedAt';

/** Whether the view filters by a channel status, which only a segment's members can answer. */
export function filtersByStatus(view: ContactsView): boolean {
  return view.tab === 'live' && (view.emailStatus !== undefined || view.phoneStatus !== undefined);
}

/** The segment-language text of the view's status filter, e.g. `email_status = blacklisted AND phone_status = active`. */
export function statusFilterText(view: ContactsView): string {
  const parts = [];
  if (view.emailStatus) parts.push(`email_status = ${view.emailStatus}`);
  if (view.phoneStatus) parts.push(`phone_status = ${view.phoneStatus}`);
  return parts.join(' AND ');
}

export async function fetchContactsPage(view: ContactsView, cursor: string | undefined, signal: AbortSignal): Promise<ContactsPage> {
  if (view.tab === 'deleted') {
    const page = await unwrap(
      api.GET('/v1/contacts/deleted', {
        params: { query: { q: view.q, sort: view.sort as DeletedSort, order: view.order, limit: view.limit, cursor } },
        signal,
      }),
    );
    return { rows: page.items, nextCursor: page.nextCursor };
  }
  if (filtersByStatus(view)) return fetchMembersPage(view, cursor, signal);
  const page = await unwrap(
    api.GET('/v1/contacts', { params: { query: { q: view.q, sort: view.sort as LiveSort, order: view.order, limit: view.limit, cursor } }, signal }),
  );
  return { rows: page.items, nextCursor: page.nextCursor };
}

async function fetchMembersPage(view: ContactsView, after: string | undefined, signal: AbortSignal): Promise<ContactsPage> {
  // Our own controller as well: once a page and one more row are read, the rest is not wanted.
  const reading = new AbortController();
  const stop = () => reading.abort();
  signal.addEventListener('abort', stop);
  try {
    const stream = await unwrap(
      api.POST('/v1/segments/members', {
        body: { query: { text: statusFilterText(view) }, format: 'ndjson', fields: MEMBER_FIELDS, after },
        parseAs: 'stream',
        signal: reading.signal,
      }),
    );
    const rows = await readLines(stream as unknown as ReadableStream<Uint8Array> | null, view.limit + 1);
    const more = rows.length > view.limit;
    const pageRows = rows.slice(0, view.limit);
    return { rows: pageRows, nextCursor: more ? (pageRows[pageRows.length - 1]?.id ?? null) : null };
  } finally {
    signal.removeEventListener('abort', stop);
    reading.abort();
  }
}

/** At most `max` NDJSON rows from the stream; cancels it after. */
async function readLines(stream: ReadableStream<Uint8Array> | null, max: number): Promise<ContactRow[]> {
  if (!stream) return [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const rows: ContactRow[] = [];
  let buffered = '';
  try {
    while (rows.length < max) {
      const { value, done } = await reader.read();
      if (value) buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split('\n');
      buffered = done ? '' : (lines.pop() ?? '');
      for (const line of lines) if (line.trim() && rows.length < max) rows.push(JSON.parse(line) as ContactRow);
      if (done) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return rows;
}

export async function restoreContact(id: string): Promise<void> {
  await unwrap(api.POST('/v1/contacts/{id}/restore', { params: { path: { id } } }));
}
