// The sections that put the service under load and time it from outside: write-to-searchable lag,
// HTTP load (counts and previews while writes flow), and member streaming. The runner runs them
// after the data is loaded, in this order.
import type { BenchSection } from '../bench-context';
import { httpLoad } from './http-load-section';
import { memberStreaming } from './member-stream-section';
import { writeToSearchableLag } from './write-lag-section';

export const LOAD_SECTIONS: { name: string; run: BenchSection }[] = [
  { name: 'write-to-searchable', run: writeToSearchableLag },
  { name: 'http-load', run: httpLoad },
  { name: 'member-stream', run: memberStreaming },
];
