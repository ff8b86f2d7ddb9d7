// Answers of the search index operator endpoints (search-index/): the alias and the indices it reads
// and writes.
import { z } from 'zod';
import { answer } from '../http/answer-schemas';

export const SearchIndexState = answer({
  alias: z.string(),
  readIndices: z.array(z.string()),
  writeIndices: z.array(z.string()),
  generation: z.number().int().nullable(),
  rebuilding: z.boolean(),
});
