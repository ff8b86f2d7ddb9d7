// Answers of the tag endpoints (tags/): tags with their counts and the bulk changes.
import { z } from 'zod';
import { BulkChangeAnswer } from '../contacts/contact-responses';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';

export const Tag = answer({ id: uuid, name: z.string(), protected: z.boolean(), createdAt: timestamp });
export const TagList = pageOf(Tag.extend({ contactCount: z.number().int() }));
export const BulkTagAnswer = BulkChangeAnswer.extend({ tagIds: z.array(uuid) });
