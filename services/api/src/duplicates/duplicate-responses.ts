// Answers of the duplicate endpoints (duplicates/): values held by several contacts, the contacts
// holding one, and what a resolve did.
import { z } from 'zod';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';

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
