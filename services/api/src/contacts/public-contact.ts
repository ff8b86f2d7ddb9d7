// The API's view of a contact, shared by every route that answers with one (contacts, tags,
// labels): the snapshot without the workspace id, which the key already implies.
import type { ContactSnapshot } from '@segmenter/shared';

export function publicContact({ workspaceId: _workspaceId, ...contact }: ContactSnapshot) {
  return contact;
}
