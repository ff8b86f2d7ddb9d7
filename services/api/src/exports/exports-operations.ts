// The /v1/exports endpoints as the OpenAPI document lists them, with the request schemas the routes
// validate with; openapi-document.ts joins every feature's table.
import { z } from 'zod';
import { CSV_STREAM, type Operation } from '../http/operation';
import { SegmentQuery } from '../segments/segment-responses';
import { ContactExportRequest } from './export-schemas';

// The route resolves the segment itself: the document shows a segment as a saved one or an ad hoc condition.
const ExportBody = z.strictObject({ ...ContactExportRequest.shape, segment: SegmentQuery.optional() });

export const EXPORTS_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/exports/contacts',
    tag: 'exports',
    summary: "Export a segment, a search or the Deleted view to CSV in the import's format (streamed)",
    scope: 'read',
    body: ExportBody,
    errors: [404, 409],
    searchesInRequest: true,
    responses: { 200: CSV_STREAM },
  },
];
