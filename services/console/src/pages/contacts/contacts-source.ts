// One page of contacts for the Contacts screen, from whichever endpoint serves the view asked for:
// the live list (GET /v1/contacts: search, sort and channel status filters combined) or the
// Deleted view (GET /v1/contacts/deleted). Never the whole list: one cursor page at a time.
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

/** A row of the table: the fields shown, plus why it was deleted in that view. */
export type ContactRow = Pick<
  Contact,
  'id' | 'email' | 'phone' | 'firstName' | 'lastName' | 'emailStatus' | 'phoneStatus' | 'emailRating' | 'createdAt' | 'updatedAt'
> & { deletedAt?: string | null; deletedReason?: string | null };

export interface ContactsPage {
  rows: ContactRow[];
  nextCursor: string | null;
}

export async function fetchContactsPage(view: ContactsView, cursor: string | undefined, signal: AbortSignal): Promise<ContactsPage> {
  const query = { q: view.q, order: view.order, limit: view.limit, cursor };
  if (view.tab === 'deleted') {
    const page = await unwrap(api.GET('/v1/contacts/deleted', { params: { query: { ...query, sort: view.sort as DeletedSort } }, signal }));
    return { rows: page.items, nextCursor: page.nextCursor };
  }
  const page = await unwrap(
    api.GET('/v1/contacts', {
      params: { query: { ...query, sort: view.sort as LiveSort, emailStatus: view.emailStatus, phoneStatus: view.phoneStatus } },
      signal,
    }),
  );
  return { rows: page.items, nextCursor: page.nextCursor };
}

export async function restoreContact(id: string): Promise<void> {
  await unwrap(api.POST('/v1/contacts/{id}/restore', { params: { path: { id } } }));
}
