// Answers of the contact endpoints: contacts, upserts and batches, channel status, activities,
// custom fields and duplicates, as the routes of contacts/, activities/, custom-fields/ and
// duplicates/ shape them.
import { z } from 'zod';
import { ACTIVITY_CHANNELS, ACTIVITY_STATUSES, ContactSnapshot, CustomFieldType } from '@segmenter/shared';
import { answer, FieldProblem, itemsOf, pageOf, ref, timestamp, uuid } from './schema-kit';

/** The API's view of a contact (contacts-routes.ts publicContact): the snapshot without the workspace id. */
export const Contact = z.looseObject(ContactSnapshot.omit({ workspaceId: true }).shape);
export const contactRef = ref('Contact');
export const ContactPage = pageOf(contactRef);
/** The Deleted view: each contact with why it was deleted and by which API key. */
export const DeletedContactPage = pageOf(z.intersection(contactRef, answer({ deletedReason: z.string().nullable(), deletedBy: z.string().nullable() })));
/** Up to 1,000 contacts read by id; ids of no live contact of the workspace are listed in `missing`. */
export const BatchGetAnswer = answer({ items: z.array(contactRef), missing: z.array(z.string()) });

const WriteStatus = z.enum(['created', 'updated', 'unchanged']);
export const UpsertAnswer = answer({ status: WriteStatus, contact: contactRef });

/** One result per item, in request order: written (with id and version) or refused (with errors). */
export const BatchUpsertAnswer = answer({
  summary: answer({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), failed: z.number().int() }),
  results: z.array(
    answer({
      index: z.number().int(),
      status: z.enum([...WriteStatus.options, 'error']),
      id: uuid.optional(),
      version: z.number().int().optional(),
      detail: z.string().optional(),
      errors: z.array(FieldProblem).optional(),
    }),
  ),
});

/** A bulk change over listed contact ids: how many were asked, found live and changed. */
export const BulkChangeAnswer = answer({ requested: z.number().int(), matched: z.number().int(), changed: z.number().int(), notFound: z.number().int().describe('How many of the ids are no live contact of the workspace') });

export const StatusHistory = itemsOf(
  answer({ channel: z.enum(['email', 'phone']), status: z.string(), reason: z.string().nullable(), changedAt: timestamp }),
);

const activityFields = {
  channel: z.enum(ACTIVITY_CHANNELS),
  status: z.enum(ACTIVITY_STATUSES),
  messageName: z.string().nullish(),
  language: z.string().nullish(),
  occurredAt: timestamp,
};
export const Activity = answer({ id: z.string(), ...activityFields });
export const ActivityHistory = pageOf(Activity);
export const BatchActivitiesAnswer = answer({
  summary: answer({ stored: z.number().int(), failed: z.number().int() }),
  results: z.array(answer({ index: z.number().int(), status: z.enum(['stored', 'error']), id: z.string().optional(), errors: z.array(FieldProblem).optional() })),
});

export const CustomFieldDefinition = answer({ key: z.string(), type: CustomFieldType, createdAt: timestamp });
/** A page of definitions, and how many a workspace may have (`limit`, not the page size). */
export const CustomFieldList = pageOf(CustomFieldDefinition).extend({ limit: z.number().int() });

export const DuplicateValues = pageOf(answer({ value: z.string(), count: z.number().int() }));
export const DuplicateContacts = answer({
  field: z.enum(['email', 'phone']),
  value: z.string(),
  items: z.array(answer({ id: uuid, firstName: z.string().nullable(), lastName: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })),
});
/** What a resolve did: the kept contact, the deleted ones, and (for a merge) what could not be carried over. */
export const DuplicatesResolved = answer({
  action: z.enum(['merge', 'remove']),
  kept: uuid,
  deleted: z.array(uuid),
  keptChanged: z.boolean(),
  notCarriedOver: z.array(answer({ contactId: uuid, field: z.string(), rule: z.string() })),
  labelsLeftBehind: z.array(answer({ contactId: uuid, key: z.string() })),
});

/** An entry of the suppression list; `address` is null once its contact was erased (only a hash is kept). */
export const Suppression = answer({
  id: uuid,
  channel: z.enum(['email', 'phone']),
  address: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  contactId: uuid.nullable(),
  suppressedAt: timestamp,
  erasedAt: timestamp.nullable(),
});
export const SuppressionPage = pageOf(Suppression);
