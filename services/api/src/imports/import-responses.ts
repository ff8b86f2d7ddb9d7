// Answers of the import endpoints (imports/): an import with its progress, the header mapping a
// preview shows, and the rejected rows.
import { z } from 'zod';
import { FieldProblem } from '../errors/problem';
import { answer, pageOf, timestamp, uuid } from '../http/answer-schemas';
import { IMPORT_STATUSES, ImportOptions } from './import-schemas';

/** Where one column of the file goes (contact-csv-reader.ts ColumnTarget). */
const ColumnTarget = z.union([
  answer({ kind: z.literal('field'), column: z.string() }),
  answer({ kind: z.literal('label'), key: z.string() }),
  answer({ kind: z.literal('custom'), key: z.string() }),
  answer({ kind: z.literal('ignored'), reason: z.string() }),
]);
const ColumnMapping = answer({ index: z.number().int(), header: z.string(), target: ColumnTarget });

const count = z.number().int();
export const Import = answer({
  id: uuid,
  status: z.enum(IMPORT_STATUSES),
  fileName: z.string().nullable(),
  options: ImportOptions,
  mapping: z.array(ColumnMapping),
  progress: answer({
    rowsRead: count,
    rowsStaged: count,
    estimatedRows: count.nullable(),
    processed: count,
    created: count,
    updated: count,
    unchanged: count,
    skipped: count,
    rejected: count,
    /** Contacts this import created or changed, and how many of them are searchable. */
    written: count,
    indexed: count,
  }),
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().int().nullable(),
  error: z.string().nullable(),
  jobId: uuid.nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  rejectedRowsUrl: z.string(),
});
export const ImportList = pageOf(Import);

export const ImportPreview = answer({ headers: z.array(z.string()), mapping: z.array(ColumnMapping), problems: z.array(FieldProblem) });

export const Rejections = answer({
  items: z.array(answer({ rowNumber: count, cells: z.array(z.string()), problems: z.array(answer({ column: z.string(), rule: z.string() })) })),
  /** Pass as `after` for the next page; null after the last. */
  nextAfter: count.nullable(),
});
