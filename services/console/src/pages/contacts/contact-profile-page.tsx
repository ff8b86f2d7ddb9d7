// A contact's profile (issue 17): its fields, each channel's status with the one-click actions and
// the status history, its tags and labels (edited here, with suggestions from the API), the saved
// segments it is in, and its activity, paged by cursor. Every write answers the contact as it now
// is; the page shows that answer and reads again what the write changed (history, segments).
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import {
  type Activity,
  addTag,
  type Contact,
  type ContactSegment,
  ONE_CLICK_ACTIONS,
  type OneClickAction,
  readActivities,
  readContact,
  readContactSegments,
  readStatusHistory,
  readTags,
  removeLabel,
  removeTag,
  runOneClickAction,
  setLabel,
  type StatusChange,
  type Tag,
} from './contact-profile-source';
import { fieldRule } from './field-rule';
import { SuggestInput } from './suggest-input';
import { forgetSuggestions, suggestLabelKeys, suggestLabelValues, suggestTagNames } from './suggestions-source';
import './contacts-pages.css';

const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
const contactName = (c: Pick<Contact, 'firstName' | 'lastName' | 'email' | 'phone' | 'id'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || c.id;

interface Related {
  history: StatusChange[];
  segments: ContactSegment[];
  tags: Tag[];
}

export function ContactProfilePage() {
  const { id = '' } = useParams();
  const [contact, setContact] = useState<Contact | null>(null);
  const [related, setRelated] = useState<Related | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  usePageTitle(contact ? contactName(contact) : 'Contact');

  const readRelated = useCallback(
    async (c: Contact, signal?: AbortSignal) => {
      const [history, segments, tags] = await Promise.all([readStatusHistory(id, signal), readContactSegments(id, signal), readTags(c.tagIds, signal)]);
      setRelated({ history, segments, tags });
    },
    [id],
  );

  useEffect(() => {
    const controller = new AbortController();
    setContact(null);
    setRelated(null);
    setLoadProblem(null);
    readContact(id, controller.signal)
      .then(async (c) => {
        setContact(c);
        await readRelated(c, controller.signal);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoadProblem(problemOf(err));
      });
    return () => controller.abort();
  }, [id, readRelated]);

  /** Runs a write that answers the contact: shows it, reads what it changed again, says what happened. */
  async function write(call: () => Promise<Contact>, done: (c: Contact) => string): Promise<boolean> {
    setBusy(true);
    setMessage('');
    try {
      const next = await call();
      setContact(next);
      setProblem(null);
      await readRelated(next);
      setMessage(done(next));
      return true;
    } catch (err) {
      setProblem(problemOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (loadProblem) {
    return (
      <section>
        <h1>Contact</h1>
        <ProblemView problem={loadProblem} />
        <p>
          <Link to="/contacts">Back to contacts</Link>
        </p>
      </section>
    );
  }
  if (!contact) {
    return (
      <section>
        <h1>Contact</h1>
        <p role="status">Loading…</p>
      </section>
    );
  }

  return (
    <section className="profile" aria-busy={busy}>
      <p>
        <Link to="/contacts">Back to contacts</Link>
      </p>
      <h1>{contactName(contact)}</h1>
      <ProblemView problem={problem} />
      <p role="status" className="status-line">
        {message}
      </p>

      <div className="profile-grid">
        <FieldsSection contact={contact} />
        <StatusSection contact={contact} history={related?.history} busy={busy} onAction={(a) => void write(() => runOneClickAction(a, id), statusSaid(a))} />
        <TagsSection
          tags={related?.tags}
          busy={busy}
          problem={problem}
          onAdd={(name) =>
            write(
              () => addTag(id, name),
              () => {
                forgetSuggestions();
                return `Tag ${name} added.`;
              },
            )
          }
          onRemove={(tag) =>
            void write(
              () => removeTag(id, tag.id),
              () => `Tag ${tag.name} removed.`,
            )
          }
        />
        <LabelsSection
          labels={contact.labels}
          busy={busy}
          problem={problem}
          onSet={(key, value) =>
            write(
              () => setLabel(id, key, value),
              () => {
                forgetSuggestions();
                return `Label ${key} set to ${value}.`;
              },
            )
          }
          onRemove={(key) =>
            void write(
              () => removeLabel(id, key),
              () => `Label ${key} removed.`,
            )
          }
        />
        <SegmentsSection segments={related?.segments} />
        <ActivitySection contactId={id} />
      </div>
    </section>
  );
}

const statusSaid = (a: OneClickAction) => (c: Contact) =>
  `${a.channel === 'email' ? 'Email' : 'Phone'} status is now ${a.channel === 'email' ? c.emailStatus : c.phoneStatus}.`;

function Panel({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function FieldsSection({ contact: c }: { contact: Contact }) {
  const address = [c.address.street, c.address.postalCode, c.address.city, c.address.region, c.address.country].filter(Boolean).join(', ');
  const rows: [string, ReactNode][] = [
    ['Email', c.email],
    ['Phone', c.phone],
    ['First name', c.firstName],
    ['Last name', c.lastName],
    ['Address', address],
    ['Time zone', c.timezone],
    ['Language', c.language],
    ['Source', c.source],
    ['Subscriptions', c.subscriptionCategories.join(', ')],
    ['Consent', c.consentAt ? formatTime(c.consentAt) : null],
    ['Email rating', c.emailRating],
    ...Object.entries(c.customFields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]): [string, ReactNode] => [key, String(value)]),
    ['Created', formatTime(c.createdAt)],
    ['Updated', formatTime(c.updatedAt)],
    ['Id', <code key="id">{c.id}</code>],
  ];
  return (
    <Panel title="Fields" id="profile-fields">
      <dl className="fields" data-testid="contact-fields">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value === null || value === undefined || value === '' ? '—' : value}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}

function StatusSection({
  contact,
  history,
  busy,
  onAction,
}: {
  contact: Contact;
  history: StatusChange[] | undefined;
  busy: boolean;
  onAction: (a: OneClickAction) => void;
}) {
  const current = { email: contact.emailStatus, phone: contact.phoneStatus };
  return (
    <Panel title="Channel status" id="profile-status">
      <table aria-label="Channel status" className="compact">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(['email', 'phone'] as const).map((channel) => (
            <tr key={channel} data-channel={channel}>
              <th scope="row">{channel === 'email' ? 'Email' : 'Phone'}</th>
              <td data-testid={`${channel}-status`}>{current[channel]}</td>
              <td className="actions">
                {ONE_CLICK_ACTIONS.filter((a) => a.channel === channel).map((a) => (
                  <button
                    key={a.path}
                    type="button"
                    // Clearing a spam report only means something on a spam report; the others repeat as no-ops.
                    disabled={busy || current[channel] === a.status || (a.label === 'Clear spam report' && current.email !== 'spam_report')}
                    onClick={() => onAction(a)}
                  >
                    {a.label}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Status history</h3>
      {!history ? (
        <p>Loading…</p>
      ) : history.length === 0 ? (
        <p>No status change recorded yet.</p>
      ) : (
        <table aria-label="Status history" className="compact">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={`${h.changedAt}-${h.channel}-${i}`}>
                <td>{formatTime(h.changedAt)}</td>
                <td>{h.channel}</td>
                <td>{h.status}</td>
                <td>{h.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function TagsSection({
  tags,
  busy,
  problem,
  onAdd,
  onRemove,
}: {
  tags: Tag[] | undefined;
  busy: boolean;
  problem: Problem | null;
  onAdd: (name: string) => Promise<boolean>;
  onRemove: (tag: Tag) => void;
}) {
  const [name, setName] = useState('');
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await onAdd(name.trim())) setName('');
  }
  return (
    <Panel title="Tags" id="profile-tags">
      {!tags ? (
        <p>Loading…</p>
      ) : tags.length === 0 ? (
        <p>No tags.</p>
      ) : (
        <ul className="chips" aria-label="Tags">
          {tags.map((t) => (
            <li key={t.id}>
              <span>{t.name}</span>
              <button type="button" disabled={busy} aria-label={`Remove tag ${t.name}`} onClick={() => onRemove(t)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <SuggestInput id="add-tag" label="Add a tag" value={name} onChange={setName} suggest={suggestTagNames} error={fieldRule(problem, 'body.tags', true)} />
        <button type="submit" disabled={busy || !name.trim()}>
          Add tag
        </button>
      </form>
    </Panel>
  );
}

function LabelsSection({
  labels,
  busy,
  problem,
  onSet,
  onRemove,
}: {
  labels: Record<string, string>;
  busy: boolean;
  problem: Problem | null;
  onSet: (key: string, value: string) => Promise<boolean>;
  onRemove: (key: string) => void;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await onSet(key.trim(), value)) {
      setKey('');
      setValue('');
    }
  }
  // The API names a bad value body.set.<key>, and a bad key body.set (the key is a name, not a place).
  const valueError = fieldRule(problem, `body.set.${key.trim()}`);
  const keyError = valueError ? undefined : fieldRule(problem, 'body.set', true);
  return (
    <Panel title="Labels" id="profile-labels">
      {entries.length === 0 ? (
        <p>No labels.</p>
      ) : (
        <table aria-label="Labels" className="compact">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{v}</td>
                <td>
                  <button type="button" disabled={busy} aria-label={`Remove label ${k}`} onClick={() => onRemove(k)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <SuggestInput id="label-key" label="Label key" value={key} onChange={setKey} suggest={suggestLabelKeys} error={keyError} />
        <SuggestInput
          id="label-value"
          label="Label value"
          value={value}
          onChange={setValue}
          suggest={(typed) => suggestLabelValues(key.trim(), typed)}
          error={valueError}
        />
        <button type="submit" disabled={busy || !key.trim()}>
          Set label
        </button>
      </form>
    </Panel>
  );
}

function SegmentsSection({ segments }: { segments: ContactSegment[] | undefined }) {
  return (
    <Panel title="Saved segments" id="profile-segments">
      {!segments ? (
        <p>Loading…</p>
      ) : segments.length === 0 ? (
        <p>In no saved segment.</p>
      ) : (
        <ul aria-label="Saved segments">
          {segments.map((s) => (
            <li key={s.id}>{s.name}</li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

/** Engagement events, newest first, 20 a page: "More activity" follows the API's cursor. */
function ActivitySection({ contactId }: { contactId: string }) {
  const [items, setItems] = useState<Activity[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(
    async (after: string | undefined, signal?: AbortSignal) => {
      setLoading(true);
      try {
        const page = await readActivities(contactId, after, signal);
        setItems((seen) => (after ? [...seen, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setProblem(null);
      } catch (err) {
        if (!signal?.aborted) setProblem(problemOf(err));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [contactId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(undefined, controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <Panel title="Activity" id="profile-activity">
      <ProblemView problem={problem} />
      {items.length === 0 ? (
        <p>{loading ? 'Loading…' : 'No activity.'}</p>
      ) : (
        <table aria-label="Activity" className="compact">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Event</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>{formatTime(a.occurredAt)}</td>
                <td>{a.channel}</td>
                <td>{a.status}</td>
                <td>{a.messageName ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" disabled={loading} onClick={() => void load(cursor)}>
          More activity
        </button>
      )}
    </Panel>
  );
}
