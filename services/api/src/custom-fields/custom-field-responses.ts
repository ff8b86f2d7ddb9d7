// Answers of the custom field endpoints (custom-fields/): a definition and the list of a
// workspace's definitions with its limit.
import { z } from 'zod';
import { CustomFieldType } from '@segmenter/shared';
import { answer, pageOf, timestamp } from '../http/answer-schemas';

export const CustomFieldDefinition = answer({ key: z.string(), type: CustomFieldType, createdAt: timestamp });
/** A page of definitions, and how many a workspace may have (`limit`, not the page size). */
export const CustomFieldList = pageOf(CustomFieldDefinition).extend({ limit: z.number().int() });
