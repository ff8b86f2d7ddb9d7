// Answers of the label endpoints (labels/): label keys and values in use, and the bulk changes with
// the contacts they left alone.
import { z } from 'zod';
import { BulkChangeAnswer } from '../contacts/contact-responses';
import { answer, pageOf, uuid } from '../http/answer-schemas';
import { AffectedSegment } from '../dependencies/dependency-responses';
import { jobRef } from '../jobs/job-responses';

export const LabelKeys = pageOf(answer({ key: z.string(), contactCount: z.number().int() }));
export const LabelValues = pageOf(answer({ value: z.string(), contactCount: z.number().int() })).extend({ key: z.string() });
/** Contacts a bulk label change would have taken past the per-contact label limit are left alone and listed. */
export const BulkLabelAnswer = BulkChangeAnswer.extend({
  rejected: z.array(answer({ contactId: uuid, keys: z.array(z.string()), rule: z.string() })),
});

/** A label hygiene job started: the job to follow, and the saved segments using the old key or values, listed before it ran. */
export const LabelJobStarted = answer({ job: jobRef, segments: z.array(AffectedSegment), contactsAffected: z.number().int() });
