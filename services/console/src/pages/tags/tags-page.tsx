// The Tags screen: tags by name with their contact counts, paged by the API's cursor (one page in
// memory), found by name, created, renamed, protected or unprotected, and deleted as a job after
// its dry run. It owns every route under /console/tags/.
import { type FormEvent, useEffect, useState } from 'react';
import { Route, Routes, useSearchParams } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import { TagDeleteDialog } from './tag-delete-dialog';
import { createTag, fetchTagsPage, findTagsPage, type TagRow, type TagsPage, updateTag } from './tags-source';
import { useCursorPages } from './use-cursor-pages';
import './tags.css';

const PAGE_SIZES = [25, 50, 100];

export function TagsPage() {
  return (
    <Routes>
      <Route index element={<TagsListPage />} />
    </Routes>
  );
}

function CreateTagForm({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [isProtected, setProtected] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const tag = await createTag(name, isProtected);
      setProblem(null);
      setName('');
      setProtected(false);
      onCreated(tag.name);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="toolbar" aria-label="Create a tag" onSubmit={(e) => void submit(e)}>
      <label htmlFor="new-tag-name">New tag name</label>
      <input
        id="new-tag-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={problem?.errors.some((e) => e.field === 'body.name') ? true : undefined}
        aria-describedby={problem ? 'create-tag-problem' : undefined}
      />
      <input id="new-tag-protected" type="checkbox" checked={isProtected} onChange={(e) => setProtected(e.target.checked)} />
      <label htmlFor="new-tag-protected">Protected</label>
      <button type="submit" disabled={busy}>
        Create tag
      </button>
      <div id="create-tag-problem" className="toolbar-problem">
        <ProblemView problem={problem} />
      </div>
    </form>
  );
}

function TagsListPage() {
  usePageTitle('Tags');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const limitParam = Number(params.get('limit'));
  const limit = PAGE_SIZES.includes(limitParam) ? limitParam : 50;
  const list = useCursorPages<TagsPage>(JSON.stringify([q, limit]), (cursor, signal) =>
    q ? findTagsPage(q, limit, cursor, signal) : fetchTagsPage(limit, cursor, signal),
  );
  const { loading, rows, page, pageNumber } = list;
  const [search, setSearch] = useState(q);
  const [message, setMessage] = useState('');
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<TagRow | null>(null);

  useEffect(() => setSearch(q), [q]);
  const reload = list.reload;

  function update(changes: Record<string, string | undefined>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next);
  }

  async function act(description: string, change: () => Promise<unknown>) {
    try {
      await change();
      setActionProblem(null);
      setMessage(description);
      reload();
      return true;
    } catch (err) {
      setMessage('');
      setActionProblem(problemOf(err));
      return false;
    }
  }

  async function saveRename(event: FormEvent, tag: TagRow) {
    event.preventDefault();
    if (!renaming) return;
    const name = renaming.name;
    if (await act(`Renamed “${tag.name}” to “${name}”.`, () => updateTag(tag.id, { name }))) setRenaming(null);
  }

  const status = loading
    ? 'Loading…'
    : rows.length === 0
      ? q
        ? `No tag found containing “${q}”${page?.nextCursor ? ' so far' : ''}.`
        : 'No tags.'
      : q
        ? `Page ${pageNumber}: ${rows.length} tags containing “${q}” (${page?.scanned ?? 0} tags read)${page?.nextCursor ? '' : ' (last page)'}.`
        : `Page ${pageNumber}: tags ${(pageNumber - 1) * limit + 1}–${(pageNumber - 1) * limit + rows.length}${page?.nextCursor ? '' : ' (last page)'}.`;

  return (
    <section className="tags">
      <h1>Tags</h1>
      <CreateTagForm
        onCreated={(name) => {
          setMessage(`Created “${name}”.`);
          setActionProblem(null);
          reload();
        }}
      />
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: search.trim() || undefined });
        }}
      >
        <label htmlFor="tag-search">Find tags by name</label>
        <input id="tag-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">Find</button>
        {q && (
          <button type="button" onClick={() => update({ q: undefined })}>
            Clear
          </button>
        )}
        <label htmlFor="tag-page-size">Per page</label>
        <select id="tag-page-size" value={limit} onChange={(e) => update({ limit: e.target.value })}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </form>
      {q && (
        <p className="note">The API lists tags by name with no name filter: finding reads the list a few pages at a time, from where the last page ended.</p>
      )}

      <div className="tags-problem">
        <ProblemView problem={actionProblem ?? list.problem} />
      </div>
      <p role="status" className="status-line">
        {message ? `${message} ` : ''}
        {status}
      </p>

      <div className="table-wrap">
        <table aria-busy={loading} aria-label="Tags">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Contacts</th>
              <th scope="col">Protected</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((tag) => (
              <tr key={tag.id} data-tag-id={tag.id}>
                <td>
                  {renaming?.id === tag.id ? (
                    <form className="inline-form" onSubmit={(e) => void saveRename(e, tag)}>
                      <label className="visually-hidden" htmlFor={`rename-${tag.id}`}>
                        New name for {tag.name}
                      </label>
                      <input
                        id={`rename-${tag.id}`}
                        value={renaming.name}
                        autoFocus
                        onChange={(e) => setRenaming({ id: tag.id, name: e.target.value })}
                        onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                      />
                      <button type="submit">Save</button>
                      <button type="button" onClick={() => setRenaming(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    tag.name
                  )}
                </td>
                <td className="number">{tag.contactCount.toLocaleString()}</td>
                <td>{tag.protected ? 'Protected' : 'No'}</td>
                <td>{new Date(tag.createdAt).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Rename ${tag.name}`} onClick={() => setRenaming({ id: tag.id, name: tag.name })}>
                    Rename
                  </button>
                  <button
                    type="button"
                    aria-label={`${tag.protected ? 'Unprotect' : 'Protect'} ${tag.name}`}
                    onClick={() =>
                      void act(`${tag.protected ? 'Unprotected' : 'Protected'} “${tag.name}”.`, () => updateTag(tag.id, { protected: !tag.protected }))
                    }
                  >
                    {tag.protected ? 'Unprotect' : 'Protect'}
                  </button>
                  <button type="button" className="danger" aria-label={`Delete ${tag.name}`} onClick={() => setDeleting(tag)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={loading || !list.hasPrevious} onClick={list.previous}>
          Previous page
        </button>
        <button type="button" disabled={loading || !list.nextCursor} onClick={list.next}>
          Next page
        </button>
      </nav>

      {deleting && (
        <TagDeleteDialog
          tag={deleting}
          onClose={() => {
            setDeleting(null);
            reload();
          }}
          onDeleted={() => {
            setMessage(`Deleted “${deleting.name}”.`);
            setActionProblem(null);
          }}
        />
      )}
    </section>
  );
}
