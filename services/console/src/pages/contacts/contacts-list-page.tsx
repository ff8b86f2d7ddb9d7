// The Contacts screen: the live contacts or the Deleted tab, searched, sorted, filtered by channel
// status (all three combined by the API) and paged by cursor (next and previous), one page in memory at a time. The view (tab,
// search, sort, filters, page size) lives in the URL, so a reload or a shared link shows the same view, from its first page.
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import { BulkActionDialog } from './bulk-action-dialog';
import { segmentTextOf } from './bulk-source';
import {
  type ContactRow,
  type ContactsPage,
  type ContactsTab,
  type ContactsView,
  EMAIL_STATUSES,
  type EmailStatus,
  fetchContactsPage,
  PHONE_STATUSES,
  type PhoneStatus,
  restoreContact,
} from './contacts-source';
import './contacts-pages.css';

const PAGE_SIZES = [10, 25, 50, 100];
const LIVE_SORTS = [
  { value: 'created', label: 'Created' },
  { value: 'updated', label: 'Updated' },
  { value: 'email_rating', label: 'Rating' },
] as const;
const DELETED_SORTS = [
  { value: 'deleted', label: 'Deleted' },
  { value: 'created', label: 'Created' },
] as const;

function viewOf(params: URLSearchParams): ContactsView {
  const tab: ContactsTab = params.get('tab') === 'deleted' ? 'deleted' : 'live';
  const sorts: readonly { value: string }[] = tab === 'deleted' ? DELETED_SORTS : LIVE_SORTS;
  const sort = sorts.find((s) => s.value === params.get('sort'))?.value ?? sorts[0]!.value;
  const limit = Number(params.get('limit'));
  return {
    tab,
    q: params.get('q') || undefined,
    sort: sort as ContactsView['sort'],
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    emailStatus: EMAIL_STATUSES.find((s) => s === params.get('email')),
    phoneStatus: PHONE_STATUSES.find((s) => s === params.get('phone')),
    limit: PAGE_SIZES.includes(limit) ? limit : 50,
  };
}

/** A contact as a person reads it in a label: its email, else its phone, else its id. */
const handleOf = (c: ContactRow) => c.email ?? c.phone ?? c.id;
const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');
const nameOf = (c: ContactRow) => [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)';

export function ContactsListPage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewOf(params), [params]);
  usePageTitle(view.tab === 'deleted' ? 'Deleted contacts' : 'Contacts');
  const viewKey = JSON.stringify(view);
  // The cursors of the pages before this one and this one's: Previous pops, Next pushes; a new
  // view starts at its first page.
  const [paging, setPaging] = useState<{ viewKey: string; cursors: (string | undefined)[] }>({ viewKey, cursors: [undefined] });
  const cursors = paging.viewKey === viewKey ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setPaging({ viewKey, cursors: next });
  const [message, setMessage] = useState('');
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [reloads, setReloads] = useState(0);
  const [search, setSearch] = useState(view.q ?? '');
  const cursor = cursors[cursors.length - 1];
  // What is on screen is the answer to one request; loading is "the request asked for is not the
  // one answered", known in the same render as the change (no stale "loaded" frame in between).
  const requestKey = JSON.stringify([viewKey, cursor ?? null, reloads]);
  const [result, setResult] = useState<{ key: string; page?: ContactsPage; problem?: Problem } | null>(null);
  const loading = result?.key !== requestKey;
  const page = result?.page;
  const problem = actionProblem ?? result?.problem ?? null;

  // The selected rows of this view, kept across its pages (a new view starts with none).
  const [selection, setSelection] = useState<{ viewKey: string; ids: Set<string> }>({ viewKey, ids: new Set() });
  const selected = selection.viewKey === viewKey ? selection.ids : new Set<string>();
  const [bulkOpen, setBulkOpen] = useState(false);
  const selectAll = useRef<HTMLInputElement>(null);

  useEffect(() => setSearch(view.q ?? ''), [view.q]);

  useEffect(() => {
    const controller = new AbortController();
    fetchContactsPage(view, cursor, controller.signal)
      .then((answer) => setResult({ key: requestKey, page: answer }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setResult({ key: requestKey, problem: problemOf(err) });
      });
    return () => controller.abort();
  }, [requestKey]);

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setMessage('');
    setActionProblem(null);
    setParams(next);
  }

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    update({ q: search.trim() || undefined });
  }

  async function restore(contact: ContactRow) {
    try {
      await restoreContact(contact.id);
      setMessage(`Restored ${handleOf(contact)}.`);
      setActionProblem(null);
      setReloads((n) => n + 1);
    } catch (err) {
      setActionProblem(problemOf(err));
    }
  }

  const sorts = view.tab === 'deleted' ? DELETED_SORTS : LIVE_SORTS;
  const live = view.tab === 'live';
  const pageNumber = cursors.length;
  const rows = page?.rows ?? [];
  const first = (pageNumber - 1) * view.limit + 1;
  const selectedOnPage = rows.filter((c) => selected.has(c.id)).length;
  const allOnPage = rows.length > 0 && selectedOnPage === rows.length;

  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = selectedOnPage > 0 && !allOnPage;
  });

  function toggle(ids: string[], on: boolean) {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelection({ viewKey, ids: next });
  }

  function closeBulk(ranSomething: boolean) {
    setBulkOpen(false);
    if (ranSomething) setReloads((n) => n + 1);
  }

  return (
    <section className="contacts">
      <h1>Contacts</h1>
      <div className="tabs" role="group" aria-label="Which contacts">
        <button
          type="button"
          aria-pressed={view.tab === 'live'}
          onClick={() => update({ tab: undefined, sort: undefined, email: undefined, phone: undefined })}
        >
          Contacts
        </button>
        <button
          type="button"
          aria-pressed={view.tab === 'deleted'}
          onClick={() => update({ tab: 'deleted', sort: undefined, email: undefined, phone: undefined })}
        >
          Deleted
        </button>
      </div>

      <form className="toolbar" role="search" onSubmit={submitSearch}>
        <label htmlFor="contact-search">Search by email, phone, name or id</label>
        <input id="contact-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Search</button>
        {view.q && (
          <button type="button" onClick={() => update({ q: undefined })}>
            Clear search
          </button>
        )}
      </form>

      <div className="toolbar">
        <label htmlFor="contact-sort">Sort by</label>
        <select id="contact-sort" value={view.sort} onChange={(e) => update({ sort: e.target.value })}>
          {sorts.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor="contact-order">Order</label>
        <select id="contact-order" value={view.order} onChange={(e) => update({ order: e.target.value === 'asc' ? 'asc' : undefined })}>
          <option value="desc">Newest or highest first</option>
          <option value="asc">Oldest or lowest first</option>
        </select>
        {view.tab === 'live' && (
          <>
            <label htmlFor="contact-email-status">Email status</label>
            <select id="contact-email-status" value={view.emailStatus ?? ''} onChange={(e) => update({ email: e.target.value || undefined })}>
              <option value="">Any</option>
              {EMAIL_STATUSES.map((s: EmailStatus) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <label htmlFor="contact-phone-status">Phone status</label>
            <select id="contact-phone-status" value={view.phoneStatus ?? ''} onChange={(e) => update({ phone: e.target.value || undefined })}>
              <option value="">Any</option>
              {PHONE_STATUSES.map((s: PhoneStatus) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="contact-page-size">Per page</label>
        <select id="contact-page-size" value={view.limit} onChange={(e) => update({ limit: e.target.value })}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>

      {live && (
        <div className="selection-bar" role="group" aria-label="Selection">
          <span>
            {selected.size} selected{selected.size > selectedOnPage ? ` (${selected.size - selectedOnPage} on other pages)` : ''}
          </span>
          <button type="button" disabled={selected.size === 0} onClick={() => setSelection({ viewKey, ids: new Set() })}>
            Clear selection
          </button>
          <button type="button" onClick={() => setBulkOpen(true)}>
            Bulk action…
          </button>
        </div>
      )}

      <ProblemView problem={problem} />
      <p role="status" className="status-line">
        {message ||
          (loading
            ? 'Loading…'
            : rows.length === 0
              ? 'No contacts.'
              : `Page ${pageNumber}: contacts ${first}–${first + rows.length - 1}${page?.nextCursor ? '' : ' (last page)'}.`)}
      </p>

      <div className="table-wrap">
        <table aria-busy={loading} aria-label={view.tab === 'deleted' ? 'Deleted contacts' : 'Contacts'}>
          <thead>
            <tr>
              <th scope="col">
                {live ? (
                  <span className="select-cell">
                    <input
                      ref={selectAll}
                      type="checkbox"
                      aria-label="Select all on this page"
                      checked={allOnPage}
                      disabled={rows.length === 0}
                      onChange={(e) =>
                        toggle(
                          rows.map((c) => c.id),
                          e.target.checked,
                        )
                      }
                    />
                    Name
                  </span>
                ) : (
                  'Name'
                )}
              </th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Email status</th>
              <th scope="col">Phone status</th>
              <th scope="col">Rating</th>
              <th scope="col">Created</th>
              {view.tab === 'deleted' ? (
                <>
                  <th scope="col">Deleted</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </>
              ) : (
                <th scope="col">Updated</th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-contact-id={c.id}>
                <td>
                  {view.tab === 'deleted' ? (
                    nameOf(c)
                  ) : (
                    // The checkbox sits in the name cell, so the columns keep their places.
                    <span className="select-cell">
                      <input
                        type="checkbox"
                        aria-label={`Select ${handleOf(c)}`}
                        checked={selected.has(c.id)}
                        onChange={(e) => toggle([c.id], e.target.checked)}
                      />
                      <Link to={`/contacts/${c.id}`}>{nameOf(c)}</Link>
                    </span>
                  )}
                </td>
                <td>{c.email}</td>
                <td>{c.phone}</td>
                <td>{c.emailStatus}</td>
                <td>{c.phoneStatus}</td>
                <td>{c.emailRating ?? ''}</td>
                <td>{formatTime(c.createdAt)}</td>
                {view.tab === 'deleted' ? (
                  <>
                    <td>{formatTime(c.deletedAt)}</td>
                    <td>{c.deletedReason ?? ''}</td>
                    <td>
                      <button type="button" onClick={() => void restore(c)} aria-label={`Restore ${handleOf(c)}`}>
                        Restore
                      </button>
                    </td>
                  </>
                ) : (
                  <td>{formatTime(c.updatedAt)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <BulkActionDialog open={bulkOpen} selectedIds={[...selected]} defaultText={segmentTextOf(view)} onClose={closeBulk} />

      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={loading || cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={loading || !page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Next page
        </button>
      </nav>
    </section>
  );
}
