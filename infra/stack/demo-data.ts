// Demo contacts for `./dev up --demo`: a workspace created through the operator API and a few
// hundred contacts posted through the public API, so they flow through the real pipeline.
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
        const r = await fetch(`${apiUrl}/v1/contacts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify(body),
        });
        if (r.status !== 201) throw new Error(`demo contact ${i} failed: ${r.status} ${await r.text()}`);
      }),
    );
  }
  return { workspaceId: created.workspace.id, apiKey };
}
