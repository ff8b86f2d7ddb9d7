// Contact request and response shapes. The same schemas validate requests and type the code.
import { z } from 'zod';

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const CreateContactRequest = z
  .strictObject({
    email: z
      .string()
      .trim()
      .max(254, 'must be at most 254 characters')
      .pipe(z.email('must be a valid email address'))
      .transform((e) => e.toLowerCase())
      .optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123')
      .optional(),
    firstName: name.optional(),
    lastName: name.optional(),
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined, {
    message: 'a contact needs an email or a phone',
    path: ['email'],
  });
export type CreateContactRequest = z.infer<typeof CreateContactRequest>;

export const ContactIdParams = z.object({ id: z.uuid('must be a contact id (UUID)') });
