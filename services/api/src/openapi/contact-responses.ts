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
export const BulkChangeAnswer = answer({ requested: z.number().int(), matched: z.number().int(), changed: z.number().int(), notFound: z.array(uuid) });

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
/** The definitions and how many a workspace may have. */
export const CustomFieldList = answer({ items: z.array(CustomFieldDefinition), limit: z.number().int() });

export const DuplicateValues = pageOf(answer({ value: z.string(), count: z.number().int() }));
export const DuplicateContacts = answer({
  field: z.enum(['email', 'phone']),
  value: z.string(),
  items: z.array(answer({ id: uuid, firstName: z.string().nullable(), lastName: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })),
});
export const DuplicatesResolved = answer({ kept: uuid, deleted: z.array(uuid), labelsLeftBehind: z.array(answer({ contactId: uuid, key: z.string() })) });
