// The sections that put the service under load and time it from outside: write-to-searchable lag,
// HTTP load (counts and previews while writes flow), and member streaming. The runner runs them
// after the data is loaded, in this order.
import type { BenchSection } from '../bench-context';

export const LOAD_SECTIONS: { name: string; run: BenchSection }[] = [];
