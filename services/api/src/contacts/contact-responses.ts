// Answers of the contact endpoints (contacts/): contacts, upserts and batches, bulk changes and
// channel status history, as the routes shape them.
import { z } from 'zod';
import { ContactSnapshot } from '@segmenter/shared';
import { FieldProblem } from '../errors/problem';
import { answer, itemsOf, pageOf, ref, timestamp, uuid } from '../http/answer-schemas';

/** The API's view of a contact (public-contact.ts): the snapshot without the workspace id. */
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
export const BulkChangeAnswer = answer({
  requested: z.number().int(),
  matched: z.number().int(),
  changed: z.number().int(),
  notFound: z.number().int().describe('How many of the ids are no live contact of the workspace'),
});

export const StatusHistory = itemsOf(answer({ channel: z.enum(['email', 'phone']), status: z.string(), reason: z.string().nullable(), changedAt: timestamp }));
