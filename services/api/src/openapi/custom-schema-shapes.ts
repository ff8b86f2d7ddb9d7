// JSON Schema for the request schemas zod cannot render by itself: maps checked by a custom
// function (label maps, import column overrides) would otherwise be documented as `{}`. The
// shapes are attached as metadata to those schemas (and so to their refined copies).
import { z } from 'zod';
import { LabelKey, LabelValue, LIMITS } from '@segmenter/shared';
import { LabelMap } from '../labels/label-schemas';
import { ImportOptions } from '../imports/import-schemas';
import { toJsonSchema } from './json-schema';

let described = false;

export function describeCustomSchemas(): void {
  if (described) return;
  described = true;
  z.globalRegistry.add(LabelMap, {
    type: 'object',
    description: 'Labels as key: value',
    propertyNames: toJsonSchema(LabelKey, 'input'),
    additionalProperties: toJsonSchema(LabelValue, 'input'),
    maxProperties: LIMITS.labelsPerContact,
  });
  z.globalRegistry.add(ImportOptions.shape.columns.unwrap(), {
    type: 'object',
    description: 'Header as in the file -> target (a standard column, `label:<key>`, `custom:<key>`) or null to ignore the column',
    additionalProperties: { type: ['string', 'null'] },
    maxProperties: 1000,
  });
}
