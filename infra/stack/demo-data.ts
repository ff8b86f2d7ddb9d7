// Demo contacts for `./dev up --demo`: a workspace created through the operator API and a few
// hundred contacts, tags and labels posted through the public API, so they flow through the
// real pipeline (outbox, Kafka, indexer) like any client's data.
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee'];

export async function loadDemoData(apiUrl: string, operatorKey: string, count = 300): Promise<{ workspaceId: string; apiKey: string }> {
  const res = await fetch(`${apiUrl}/v1/admin/workspaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
    body: JSON.stringify({ name: `Demo ${new Date().toISOString().slice(0, 16)}` }),
  });
  if (res.status !== 201) throw new Error(`creating the demo workspace failed: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { workspace: { id: string }; apiKey: { key: string } };
  const apiKey = created.apiKey.key;
  const call = async (path: string, body: unknown) => {
    const r = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`demo ${path} failed: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  const ids: string[] = [];
  for (let start = 0; start < count; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, count - start) }, async (_, j) => {
        const i = start + j;
        const first = FIRST[i % FIRST.length]!;
        const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
        const body = {
          email: `${first}.${last}.${i}@demo.example`.toLowerCase(),
          firstName: first,
          lastName: last,
          ...(i % 3 === 0 ? { phone: `+1415555${String(1000 + i).padStart(4, '0')}` } : {}),
        };
        ids[i] = (await call('/v1/contacts', body)).id;
      }),
    );
  }
  // A few segments' worth of structure: tags and labels on overlapping subsets.
  await call('/v1/tags/bulk-add', { contactIds: ids.filter((_, i) => i % 4 === 0), tags: ['VIP'], createMissing: true });
  await call('/v1/tags/bulk-add', { contactIds: ids.filter((_, i) => i % 2 === 0), tags: ['Newsletter', 'Hot Lead'], createMissing: true });
  for (const [tier, pick] of [
    ['gold', 5],
    ['silver', 3],
  ] as const) {
    await call('/v1/labels/bulk-set', { contactIds: ids.filter((_, i) => i % pick === 0), labels: { tier, source: 'demo' } });
  }
  // Engagement: email opens over the last weeks, so "opened at least twice in 7 days" finds some.
  const day = 86_400_000;
  const activities = ids
    .filter((_, i) => i % 3 !== 2)
    .flatMap((contactId, i) =>
      Array.from({ length: 1 + (i % 4) }, (_, k) => ({
        contactId,
        channel: 'email',
        status: k === 0 ? 'delivered' : 'opened',
        occurredAt: new Date(Date.now() - ((i * 7 + k * 3) % 40) * day).toISOString(),
      })),
    );
  for (let i = 0; i < activities.length; i += 1000) await call('/v1/activities/batch', { activities: activities.slice(i, i + 1000) });
  return { workspaceId: created.workspace.id, apiKey };
}
