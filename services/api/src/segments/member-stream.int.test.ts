// The member pages under the member stream and the export, against a real index: pages of the
// asked size in contact id order however the documents were written, the next page fetched ahead
// without losing or repeating a member at any boundary, ids alone read from the sort values, the
// requested fields when more is asked, and resuming after an id.
import { randomUUID } from 'node:crypto';
import { type Condition, createContactsIndex } from '@segmenter/shared';
import { createTestEnvironment, TestEnvironment } from '../../../../test/support/test-environment';
import { openMemberPages, type MemberDocument } from './member-stream';

let env: TestEnvironment;
let alias: string;
const workspaceId = randomUUID();
const otherWorkspaceId = randomUUID();
/** 50 active members of the workspace (sorted), plus contacts the segment or the workspace excludes. */
const memberIds = Array.from({ length: 50 }, () => randomUUID()).sort();

beforeAll(async () => {
  env = await createTestEnvironment();
  alias = env.config.elasticsearch.contactsAlias;
  await createContactsIndex(env.es, alias, 1, { [alias]: {} });
  const doc = (workspace: string, contactId: string, emailStatus: string, deleted = false) => ({
    workspace_id: workspace,
    contact_id: contactId,
    deleted,
    email: `${contactId}@example.com`,
    email_status: emailStatus,
    first_name: `Name ${contactId.slice(0, 4)}`,
  });
  const docs = [
    // Written in reverse order: the pages must come back in contact id order regardless.
    ...[...memberIds].reverse().map((id) => doc(workspaceId, id, 'active')),
    doc(workspaceId, randomUUID(), 'unsubscribed'),
    doc(workspaceId, randomUUID(), 'active', true),
    doc(otherWorkspaceId, randomUUID(), 'active'),
  ];
  const res = await env.es.bulk({
    index: `${alias}-v1`,
    refresh: true,
    operations: docs.flatMap((d) => [{ index: { _id: d.contact_id, routing: d.workspace_id } }, d]),
  });
  expect(res.errors).toBe(false);
});
afterAll(async () => env?.cleanup());

const ACTIVE: Condition = { kind: 'status', channel: 'email', op: 'in', statuses: ['active'] };

async function readPages(options: { pageSize: number; source?: string[]; after?: string }): Promise<MemberDocument[][]> {
  const members = await openMemberPages(
    env.es,
    alias,
    { tree: ACTIVE, workspaceId, source: options.source ?? ['contact_id'], after: options.after, pageSize: options.pageSize },
    env.log,
  );
  const pages: MemberDocument[][] = [];
  try {
    for await (const page of members.pages(() => false)) pages.push(page);
  } finally {
    await members.close();
  }
  return pages;
}

test.each([
  { pageSize: 7, sizes: [7, 7, 7, 7, 7, 7, 7, 1] },
  // A last full page: the page fetched after it is empty, and the stream ends without an empty page.
  { pageSize: 10, sizes: [10, 10, 10, 10, 10] },
  { pageSize: 1000, sizes: [50] },
])('ids alone, $pageSize a page: every member once, in id order, nothing read but the id', async ({ pageSize, sizes }) => {
  const pages = await readPages({ pageSize });
  expect(pages.map((p) => p.length)).toEqual(sizes);
  expect(pages.flat().map((d) => d.contact_id)).toEqual(memberIds);
  expect(pages.flat().every((d) => Object.keys(d).join() === 'contact_id')).toBe(true);
});

test('requested fields come with each member, its id included', async () => {
  const pages = await readPages({ pageSize: 9, source: ['contact_id', 'first_name', 'email'] });
  const docs = pages.flat();
  expect(docs.map((d) => d.contact_id)).toEqual(memberIds);
  expect(docs[0]).toEqual({ contact_id: memberIds[0], first_name: `Name ${memberIds[0]!.slice(0, 4)}`, email: `${memberIds[0]}@example.com` });
});

test('resuming after an id sends the rest, across pages', async () => {
  const pages = await readPages({ pageSize: 6, after: memberIds[20] });
  expect(pages.flat().map((d) => d.contact_id)).toEqual(memberIds.slice(21));
  expect(await readPages({ pageSize: 6, after: memberIds[49] })).toEqual([]);
});

test('a caller that stops after the first page gets no more, and closing waits for the page fetched ahead', async () => {
  const members = await openMemberPages(env.es, alias, { tree: ACTIVE, workspaceId, source: ['contact_id'], pageSize: 5 }, env.log);
  const pages: MemberDocument[][] = [];
  let stop = false;
  for await (const page of members.pages(() => stop)) {
    pages.push(page);
    stop = true;
  }
  // The page fetched ahead is still on its way here: closing waits for it, then closes the PIT.
  await members.close();
  expect(pages.map((p) => p.map((d) => d.contact_id))).toEqual([memberIds.slice(0, 5)]);
});
