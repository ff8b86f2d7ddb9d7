// Custom-field request shapes: a definition's key and type, a rename, and the force flag of a
// delete. The routes validate with them and the OpenAPI document shows them.
import { z } from 'zod';
import { CustomFieldKey, CustomFieldType } from '@segmenter/shared';
import { DryRunQuery } from '../dependencies/dependency-schemas';
import { ForceDeletionQuery } from '../segments/deletion-guard';

export const CreateCustomField = z.strictObject({ key: CustomFieldKey, type: CustomFieldType });
export const CustomFieldParams = z.object({ key: CustomFieldKey });
export const RenameCustomField = z.strictObject({ key: CustomFieldKey });
/** `?force=true` deletes a field saved segments use, marking them broken; without it that is a 409. */
export const DeleteCustomFieldQuery = ForceDeletionQuery.extend(DryRunQuery.shape);
/** `?dryRun=true` only tells what a rename would do. */
export const RenameCustomFieldQuery = DryRunQuery;
