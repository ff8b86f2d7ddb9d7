// Which column of the uploaded file a problem found by the contact writer belongs to, so a row
// refused at write time (an unknown tag, a label past the limit, a taken email) names the column
// to fix, as a row refused at upload does.
import { STANDARD_COLUMNS, StandardColumn } from '../contact-files/contact-csv-format';
import type { ColumnMapping } from '../contact-files/contact-csv-reader';
import type { MatchBy } from '../contacts/contact-schemas';

const COLUMN_OF_PATH = new Map<string, StandardColumn>(Object.entries(STANDARD_COLUMNS).map(([column, path]) => [path, column as StandardColumn]));

/** The header for a writer's field path (`tags.0`, `labels.tier`, `customFields.plan`, `email`). */
export function columnOfWriteField(field: string, mapping: readonly ColumnMapping[], matchBy: MatchBy): string {
  const [first, second] = field.split('.');
  const find = (matches: (c: ColumnMapping) => boolean) => mapping.find(matches)?.header;
  const standard = (column: StandardColumn | undefined) => column && find((c) => c.target.kind === 'field' && c.target.column === column);
  let header: string | undefined;
  if (first === 'labels') header = find((c) => c.target.kind === 'label' && c.target.key === second);
  else if (first === 'customFields') header = find((c) => c.target.kind === 'custom' && c.target.key === second);
  else if (first === 'tagIds') header = standard('tags');
  else header = standard(COLUMN_OF_PATH.get(first === 'address' ? field : first!));
  return header ?? standard(matchBy) ?? matchBy;
}
