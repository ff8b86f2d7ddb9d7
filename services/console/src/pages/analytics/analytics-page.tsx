// The Analytics screen: contacts by status per channel, the top tags by contact count, and contacts
// created per day (or week, month), as Recharts charts (inline SVG, bundled: nothing from a CDN).
// Each chart is one image to assistive technology, named with its numbers, and its table follows
// it with the same numbers. It owns every route under /console/analytics/.
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { Route, Routes } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type Problem, problemOf } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import {
  type ChannelsAnswer,
  type ContactsCreatedAnswer,
  type CreatedRange,
  defaultRange,
  fetchChannels,
  fetchContactsCreated,
  fetchTopTags,
  type Interval,
  type TagCountsAnswer,
  TOP_TAGS,
} from './analytics-source';
import './analytics.css';

const COLORS = { email: '#0b5cad', phone: '#8a3ffc', tags: '#1a7f37', created: '#b35900' } as const;
const INTERVALS: Interval[] = ['day', 'week', 'month'];

export function AnalyticsPage() {
  return (
    <Routes>
      <Route index element={<AnalyticsOverview />} />
    </Routes>
  );
}

/** One answer per key: loading until the answer to this key arrives. */
function useAnswer<T>(key: string, load: (signal: AbortSignal) => Promise<T>): { data?: T; problem?: Problem; loading: boolean } {
  const [result, setResult] = useState<{ key: string; data?: T; problem?: Problem } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((data) => setResult({ key, data }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setResult({ key, problem: problemOf(err) });
      });
    return () => controller.abort();
    // The key names everything load reads.
  }, [key]);
  const current = result?.key === key ? result : undefined;
  return { data: current?.data, problem: current?.problem, loading: current === undefined };
}

/** A chart as one image named with its numbers, then the same numbers as a table. */
function ChartFigure({ id, title, summary, chart, table }: { id: string; title: string; summary: string; chart: ReactNode; table: ReactNode }) {
  return (
    <figure className="chart-figure" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <h2>{title}</h2>
      </figcaption>
      <div className="chart-box" role="img" aria-label={summary}>
        {chart}
      </div>
      {table}
    </figure>
  );
}

function ChannelsSection() {
  const answer = useAnswer('channels', fetchChannels);
  return (
    <section className="analytics-section" aria-busy={answer.loading}>
      <ProblemView problem={answer.problem} />
      {answer.loading && <p role="status">Loading contacts by status…</p>}
      {answer.data && <ChannelsChart data={answer.data} />}
    </section>
  );
}

function ChannelsChart({ data }: { data: ChannelsAnswer }) {
  const channels = [
    { channel: 'email', label: 'Email', ...data.channels.email },
    { channel: 'phone', label: 'Phone', ...data.channels.phone },
  ] as const;
  return (
    <>
      <p>
        {data.total.toLocaleString()} live contacts; {data.channels.email.contacts.toLocaleString()} with an email address (
        {data.channels.email.sendable.toLocaleString()} sendable), {data.channels.phone.contacts.toLocaleString()} with a phone number (
        {data.channels.phone.sendable.toLocaleString()} sendable).
      </p>
      <div className="chart-row">
        {channels.map((c) => {
          const rows = Object.entries(c.statuses).map(([status, contacts]) => ({ status, contacts }));
          return (
            <ChartFigure
              key={c.channel}
              id={`channel-${c.channel}`}
              title={`${c.label} contacts by status`}
              summary={`${c.label} contacts by status: ${rows.map((r) => `${r.status} ${r.contacts}`).join(', ')}`}
              chart={
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="status" />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Bar dataKey="contacts" name="Contacts" fill={COLORS[c.channel]} isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              }
              table={
                <ContactsTable
                  label={`${c.label} contacts by status`}
                  chart={`channel-${c.channel}`}
                  heading="Status"
                  rows={rows.map((r) => [r.status, r.contacts])}
                />
              }
            />
          );
        })}
      </div>
    </>
  );
}

function TopTagsSection() {
  const answer = useAnswer('tags', fetchTopTags);
  const rows = (answer.data?.items ?? []).map((t) => ({ name: t.name, contacts: t.contactCount }));
  return (
    <section className="analytics-section" aria-busy={answer.loading}>
      <ProblemView problem={answer.problem} />
      {answer.loading && <p role="status">Loading tag counts…</p>}
      {answer.data && <TopTagsChart answer={answer.data} rows={rows} />}
    </section>
  );
}

function TopTagsChart({ answer, rows }: { answer: TagCountsAnswer; rows: { name: string; contacts: number }[] }) {
  if (answer.items.length === 0) return <p>No tags yet.</p>;
  return (
    <ChartFigure
      id="top-tags"
      title={`Top ${TOP_TAGS} tags by contacts`}
      summary={`Top tags by contacts: ${rows.map((r) => `${r.name} ${r.contacts}`).join(', ')}`}
      chart={
        <ResponsiveContainer width="100%" height={Math.max(120, rows.length * 32 + 40)}>
          <BarChart data={rows} layout="vertical" accessibilityLayer={false} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="name" width={140} />
            <Tooltip />
            <Bar dataKey="contacts" name="Contacts" fill={COLORS.tags} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
      table={<ContactsTable label="Top tags by contacts" chart="top-tags" heading="Tag" rows={rows.map((r) => [r.name, r.contacts])} />}
    />
  );
}

function CreatedSection() {
  const [range, setRange] = useState<CreatedRange>(() => defaultRange());
  const [draft, setDraft] = useState(range);
  const answer = useAnswer(JSON.stringify(range), (signal) => fetchContactsCreated(range, signal));

  function submit(event: FormEvent) {
    event.preventDefault();
    setRange(draft);
  }

  return (
    <section className="analytics-section" aria-busy={answer.loading}>
      <form className="toolbar" aria-label="Contacts created: range" onSubmit={submit}>
        <label htmlFor="created-from">From</label>
        <input id="created-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <label htmlFor="created-to">To</label>
        <input id="created-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <label htmlFor="created-interval">Per</label>
        <select id="created-interval" value={draft.interval} onChange={(e) => setDraft({ ...draft, interval: e.target.value as Interval })}>
          {INTERVALS.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </select>
        <button type="submit">Show</button>
        <span className="note">
          Time zone: <span data-testid="created-time-zone">{range.timeZone}</span>
        </span>
      </form>
      <ProblemView problem={answer.problem} />
      {answer.loading && <p role="status">Loading contacts created…</p>}
      {answer.data && <CreatedChart data={answer.data} />}
    </section>
  );
}

function CreatedChart({ data }: { data: ContactsCreatedAnswer }) {
  const rows = data.buckets.map((b) => ({ date: b.date, contacts: b.count }));
  const nonEmpty = rows.filter((r) => r.contacts > 0);
  return (
    <ChartFigure
      id="contacts-created"
      title={`Contacts created per ${data.interval}`}
      summary={`Contacts created per ${data.interval} from ${data.from} to ${data.to}: ${data.total} in all${
        nonEmpty.length > 0 ? `; ${nonEmpty.map((r) => `${r.date} ${r.contacts}`).join(', ')}` : ''
      }; every other ${data.interval} 0`}
      chart={
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="date" minTickGap={16} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="contacts" name="Contacts created" fill={COLORS.created} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <details className="chart-numbers">
          <summary>
            The numbers: {data.total.toLocaleString()} contacts in {rows.length} {data.interval}s
          </summary>
          <ContactsTable
            label={`Contacts created per ${data.interval}`}
            chart="contacts-created"
            heading={data.interval === 'day' ? 'Date' : `${data.interval[0]!.toUpperCase()}${data.interval.slice(1)} from`}
            rows={rows.map((r) => [r.date, r.contacts])}
          />
        </details>
      }
    />
  );
}

/** A chart's numbers: one row per bar, its name and its contacts (the accessible alternative to the chart). */
function ContactsTable({ label, chart, heading, rows }: { label: string; chart: string; heading: string; rows: [name: string, contacts: number][] }) {
  return (
    <table aria-label={label} data-chart={chart}>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col" className="number">
            Contacts
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, contacts]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="number">{contacts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AnalyticsOverview() {
  usePageTitle('Analytics');
  return (
    <section className="analytics">
      <h1>Analytics</h1>
      <p className="note">Counted by the search index: changes of the last few seconds may not be in them yet.</p>
      <ChannelsSection />
      <TopTagsSection />
      <CreatedSection />
    </section>
  );
}
