// What a contact's profile reads and writes, each through the public API: the contact, its status
// history, the saved segments it is in, its activity (paged), and the writes the profile offers
// (one-click status actions, tags, labels). The page holds no request code of its own.
import { api, type Contact, type Schemas } from '../../api/client';
import { unwrap } from '../../api/problem';

export type StatusChange = { channel: 'email' | 'phone'; status: string; reason: string | null; changedAt: string };
export type ContactSegment = { id: string; name: string };
export type Activity = {
  id: string;
  channel: string;
  status: string;
  messageName?: string | null;
  language?: string | null;
  occurredAt: string;
};
export type Tag = { id: string; name: string };

/** The one-click actions, each a route of its own (POST /v1/contacts/{id}/actions/...). */
export const ONE_CLICK_ACTIONS = [
  { path: '/v1/contacts/{id}/actions/blacklist-email', label: 'Blacklist email', channel: 'email', status: 'blacklisted' },
  { path: '/v1/contacts/{id}/actions/unsubscribe-email', label: 'Unsubscribe email', channel: 'email', status: 'unsubscribed' },
  { path: '/v1/contacts/{id}/actions/clear-spam-report', label: 'Clear spam report', channel: 'email', status: 'active' },
  { path: '/v1/contacts/{id}/actions/blacklist-phone', label: 'Blacklist phone', channel: 'phone', status: 'blacklisted' },
] as const;
export type OneClickAction = (typeof ONE_CLICK_ACTIONS)[number];

const byId = (id: string) => ({ params: { path: { id } } });

export const readContact = (id: string, signal?: AbortSignal): Promise<Contact> => unwrap(api.GET('/v1/contacts/{id}', { ...byId(id), signal }));

export async function readStatusHistory(id: string, signal?: AbortSignal): Promise<StatusChange[]> {
  return (await unwrap(api.GET('/v1/contacts/{id}/status-history', { ...byId(id), signal }))).items;
}

export async function readContactSegments(id: string, signal?: AbortSignal): Promise<ContactSegment[]> {
  return (await unwrap(api.GET('/v1/contacts/{id}/segments', { ...byId(id), signal }))).items;
}

export async function readActivities(id: string, cursor: string | undefined, signal?: AbortSignal): Promise<{ items: Activity[]; nextCursor: string | null }> {
  return unwrap(api.GET('/v1/contacts/{id}/activities', { params: { path: { id }, query: { limit: 20, cursor } }, signal }));
}

/** The tags a contact carries, by name: one read per tag id (a contact carries few), in name order. */
export async function readTags(tagIds: string[], signal?: AbortSignal): Promise<Tag[]> {
  const tags = await Promise.all(tagIds.map((tagId) => unwrap(api.GET('/v1/tags/{id}', { ...byId(tagId), signal }))));
  return tags.map((t) => ({ id: t.id, name: t.name })).sort((a, b) => a.name.localeCompare(b.name));
}

export function runOneClickAction(action: OneClickAction, id: string): Promise<Contact> {
  return unwrap(api.POST(action.path, byId(id)));
}

/** Adds a tag by name, creating it when the workspace has none of that name yet. */
export const addTag = (id: string, name: string): Promise<Contact> =>
  unwrap(api.POST('/v1/contacts/{id}/tags/add', { ...byId(id), body: { tags: [name], createMissing: true } }));

export const removeTag = (id: string, tagId: string): Promise<Contact> =>
  unwrap(api.POST('/v1/contacts/{id}/tags/remove', { ...byId(id), body: { tagIds: [tagId] } }));

export const setLabel = (id: string, key: string, value: string): Promise<Contact> =>
  unwrap(api.PATCH('/v1/contacts/{id}/labels', { ...byId(id), body: { set: { [key]: value } } }));

export const removeLabel = (id: string, key: string): Promise<Contact> =>
  unwrap(api.DELETE('/v1/contacts/{id}/labels/{key}', { params: { path: { id, key } } }));

export type { Contact, Schemas };
