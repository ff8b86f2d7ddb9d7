// The segment suite: what marketers build, from one tag to seven conditions with nested OR, NOT,
// relative dates and engagement, over the generated data's real tag names and label vocabularies.
// Broad segments match 10% to 60% of the contacts (the runner checks it on the data), where an
// index has the most to win over a scan.
import type { SuiteSegment } from './bench-context';
import type { WorkspacePlan } from './bench-data';

/** Broad segments must match between these shares of the workspace's contacts. */
export const BROAD_SHARE = { min: 0.1, max: 0.6 };

export function buildSuite(plan: WorkspacePlan): SuiteSegment[] {
  // Tags by popularity rank: 0 is on about two contacts in five, the last on a few in a thousand.
  const tag = (rank: number) => JSON.stringify(plan.tags[Math.min(rank, plan.tags.length - 1)]!);
  const last = plan.tags.length - 1;
  return [
    { name: 'top tag', broad: true, text: `tag:${tag(0)}` },
    { name: 'rare tag', broad: false, text: `tag:${tag(last)}` },
    { name: 'any of 3 tags', broad: false, text: `tag:ANY [${tag(3)}, ${tag(7)}, ${tag(15)}]` },
    { name: 'label equals', broad: false, text: 'label:plan = pro' },
    { name: 'label in, active email', broad: false, text: 'label:tier IN [gold, platinum] AND email_status = active' },
    { name: 'iOS users', broad: true, text: 'label:device = ios' },
    { name: 'created in last 30 days', broad: false, text: 'created IN LAST 30 DAYS' },
    { name: 'older than a year, sendable', broad: true, text: 'created MORE THAN 365 DAYS AGO AND sendable:email' },
    { name: 'opened in last 30 days', broad: false, text: 'engagement:email.opened IN LAST 30 DAYS' },
    { name: 'clicked twice in 60 days', broad: false, text: 'engagement:email.clicked >= 2 IN LAST 60 DAYS' },
    { name: 'dormant', broad: true, text: 'NOT engagement:email.opened IN LAST 90 DAYS AND created MORE THAN 180 DAYS AGO AND sendable:email' },
    { name: 'country, not suppressed', broad: false, text: 'country IN [FR, DE, ES] AND NOT email_status IN [unsubscribed, spam_report, blacklisted]' },
    { name: 'campaign prefix', broad: false, text: 'label:utm_campaign PREFIX spring' },
    { name: 'custom fields', broad: false, text: 'custom:vip IS TRUE OR (custom:ltv BETWEEN 200 AND 2000 AND custom:birthday IS NOT EMPTY)' },
    { name: 'SMS offers', broad: false, text: 'subscription:ANY [offers, events] AND sendable:phone' },
    { name: 'no lifecycle, untagged', broad: false, text: `label:lifecycle NOT EXISTS AND tag:NONE [${tag(0)}, ${tag(1)}]` },
    {
      name: 'high value (6 conditions, nested OR)',
      broad: false,
      text:
        `(tag:${tag(1)} OR label:tier = platinum OR custom:ltv > 1000) AND country IN [US, GB, FR] AND sendable:email ` +
        'AND NOT label:lifecycle = churned AND created IN LAST 365 DAYS AND subscription:newsletter',
    },
    {
      name: 'retargeting (7 conditions, 2 nested ORs)',
      broad: false,
      text:
        `(label:utm_source IN [google, facebook] OR tag:${tag(2)}) AND (engagement:email.opened IN LAST 14 DAYS OR engagement:email.clicked IN LAST 30 DAYS) ` +
        `AND NOT tag:${tag(5)} AND label:plan IN [free, starter] AND sendable:email AND created IN LAST 180 DAYS`,
    },
  ];
}
