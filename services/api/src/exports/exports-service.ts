// The exports feature behind /v1/exports: files of contacts streamed as CSV by the streaming
// writer (contact-export), which owns paging, cells and the stream.
import type { Response } from 'express';
import { ContactExportDependencies, ContactExportOptions, exportContacts } from './contact-export';

export type ExportsService = ReturnType<typeof createExportsService>;

export function createExportsService(deps: ContactExportDependencies) {
  return {
    /** Streams the export into `res`; whatever can be refused is refused before the first byte. */
    exportContacts(workspaceId: string, request: ContactExportOptions, res: Response): Promise<void> {
      return exportContacts(deps, workspaceId, request, res);
    },
  };
}
