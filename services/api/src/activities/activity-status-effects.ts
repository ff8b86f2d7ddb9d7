// Activities that change a channel status: an unsubscribe or a spam complaint on email, and an
// SMS STOP reply (an sms `unsubscribed`) or SMS complaint, which opt the phone out. One table, read
// by the activity routes and docs/sendability.md. Other channels (whatsapp, push, web) have no
// status of their own on the contact, so their activities change none.
import type { Queryable, StatusChannel } from '@segmenter/shared';
import { emitContactEvents } from '../contacts/contact-changes';
import { setChannelStatuses } from '../contacts/contacts-store';
import { lessStrictThan } from '../suppressions/status-strictness';
import { keepSuppressionsOf } from '../suppressions/suppression-sync';
import type { ActivityFields } from './activity-schemas';

type Effect = { channel: StatusChannel; status: string };

const ACTIVITY_STATUS_EFFECTS: Partial<Record<ActivityFields['channel'], Partial<Record<ActivityFields['status'], Effect>>>> = {
  email: { unsubscribed: { channel: 'email', status: 'unsubscribed' }, spam_report: { channel: 'email', status: 'spam_report' } },
  sms: { unsubscribed: { channel: 'phone', status: 'opted_out' }, spam_report: { channel: 'phone', status: 'opted_out' } },
};

/**
 * Applies the status changes of stored activities to their (locked, live) contacts, through the
 * path every status change takes: history, version bump, event. A status only gets stricter (an
 * unsubscribe leaves a blacklisted contact blacklisted), and goes on the suppression list.
 */
export async function applyActivityStatusEffects(client: Queryable, workspaceId: string, items: (ActivityFields & { contactId: string })[]): Promise<void> {
  const changed = new Set<string>();
  for (const item of items) {
    const effect = ACTIVITY_STATUS_EFFECTS[item.channel]?.[item.status];
    if (!effect) continue;
    const reason = `${item.channel} ${item.status} activity at ${item.occurredAt}${item.messageName ? ` (message "${item.messageName}")` : ''}`;
    const ids = await setChannelStatuses(
      client,
      workspaceId,
      [item.contactId.toLowerCase()],
      effect.channel,
      effect.status,
      reason,
      lessStrictThan(effect.channel, effect.status),
    );
    if (ids.length === 0) continue;
    await keepSuppressionsOf(client, workspaceId, ids, reason);
    for (const id of ids) changed.add(id);
  }
  if (changed.size > 0) await emitContactEvents(client, workspaceId, [...changed].sort(), 'contact.upserted', () => ({ created: false }));
}
