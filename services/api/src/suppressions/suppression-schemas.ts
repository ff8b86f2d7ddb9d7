// Suppression list request shapes: the list's filters (by channel or one address) and the id of
// an entry to lift.
import { z } from 'zod';
import { listQueryFields } from '../http/list-page';

export const SuppressionListQuery = z.strictObject({
  ...listQueryFields,
  channel: z.enum(['email', 'phone'], { error: 'must be one of email, phone' }).optional(),
  address: z.string().trim().min(1, 'must not be empty').max(320, 'must be at most 320 characters').optional(),
});
export const SuppressionIdParams = z.object({ id: z.uuid('must be a suppression id (UUID)').transform((id) => id.toLowerCase()) });
