// Keeps the suppression list in step with contacts: what a contact's suppressing status puts on
// the list when it is set, deleted or erased, and what an explicit status change takes off it.
import type { Queryable, StatusChannel } from '@segmenter/shared';
import { isSuppressing } from './status-strictness';
import { addressesOfContacts, forgetSuppressedAddresses, liftSuppressions, recordSuppressions, suppressionsOfContacts } from './suppressions-store';

/**
 * Puts the suppressing statuses of these contacts on the list (an entry only ever gets stricter
 * here). Called before a contact is deleted or erased, so an unsubscribe outlives it, and after
 * a status was set by a write, an activity or a merge. A non-suppressing status takes nothing
 * off: a contact deleted while active must not lift an opt-out another contact gave.
 */
export async function keepSuppressionsOf(client: Queryable, workspaceId: string, contactIds: string[], reason: string): Promise<void> {
  await recordSuppressions(client, workspaceId, await suppressionsOfContacts(client, workspaceId, contactIds, () => reason), 'stricter');
}

/**
 * An explicit status change on live contacts (the status endpoints, bulk status, one-click
 * actions): a suppressing status replaces the entry of their address; a non-suppressing one (a
 * re-subscribe) lifts it, so a contact created later with the address is not suppressed again.
 */
export async function applyExplicitStatus(
  client: Queryable,
  workspaceId: string,
  contactIds: string[],
  channel: StatusChannel,
  status: string,
  reason: string | null,
): Promise<void> {
  if (contactIds.length === 0) return;
  if (isSuppressing(channel, status)) {
    // Only the changed channel's entries: the other channel's status was not asked about, and
    // replacing its entry could weaken an opt-out another contact with that address gave.
    const entries = (await suppressionsOfContacts(client, workspaceId, contactIds, () => reason)).filter((e) => e.channel === channel);
    await recordSuppressions(client, workspaceId, entries, 'replace');
  } else await liftSuppressions(client, workspaceId, await addressesOfContacts(client, workspaceId, contactIds, channel));
}

/** Erasure: the contact's suppressions are kept as hashes only, and no entry keeps its addresses. */
export async function keepErasedContactSuppressions(client: Queryable, workspaceId: string, contactId: string): Promise<void> {
  await keepSuppressionsOf(client, workspaceId, [contactId], 'kept when the contact was erased');
  await forgetSuppressedAddresses(client, workspaceId, await addressesOfContacts(client, workspaceId, [contactId]));
}
