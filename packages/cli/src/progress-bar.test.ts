import type { ImportJob } from './import-job';
import { createProgressReporter, formatDuration, formatEta, formatProgressLine, formatRate, processedPercent } from './progress-bar';
import { captureStream } from './fake-context';

function importJob(overrides: Partial<ImportJob> = {}, progress: Partial<ImportJob['progress']> = {}): ImportJob {
  return {
    id: 'imp-1',
    status: 'processing',
    estimatedRows: null,
    progress: {
      rowsRead: 20_000,
      rowsStaged: 20_000,
      processed: 5_000,
      created: 4_000,
      updated: 500,
      unchanged: 100,
      skipped: 300,
      rejected: 100,
      indexed: 3_000,
      ...progress,
    },
    rowsPerSecond: 1_234.4,
    etaSeconds: 65,
    error: null,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [0.4, '0s'],
    [42, '42s'],
    [60, '1m00s'],
    [65, '1m05s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [7380, '2h03m'],
    [-3, '0s'],
  ])('%d s → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('rate and ETA', () => {
  test('show the server figures, rounded, with thousands separators', () => {
    expect(formatRate(1234.6)).toBe('1,235 rows/s');
    expect(formatEta(65)).toBe('ETA 1m05s');
  });

  test('read as -- until the server can tell', () => {
    expect(formatRate(null)).toBe('-- rows/s');
    expect(formatEta(null)).toBe('ETA --');
  });
});

describe('processedPercent', () => {
  test.each([
    { description: 'a quarter processed', progress: { rowsRead: 20_000, processed: 5_000 }, expected: 25 },
    { description: 'floored, so 100 means every row', progress: { rowsRead: 1_000, processed: 999 }, expected: 99 },
    { description: 'all processed', progress: { rowsRead: 1_000, processed: 1_000 }, expected: 100 },
    { description: 'nothing read yet', progress: { rowsRead: 0, processed: 0 }, expected: 0 },
  ])('$description', ({ progress, expected }) => {
    expect(processedPercent(importJob({}, progress))).toBe(expected);
  });
});

describe('formatProgressLine', () => {
  const essentials = ' 25%   5,000/20,000 rows  1,234 rows/s  ETA 1m05s';
  const counts = 'imported  4,600  rejected    100  indexed  3,000';

  test('plain, for logs: status, percent, rows, rate, ETA and counts', () => {
    expect(formatProgressLine(importJob())).toBe(`processing ${essentials}  ${counts}`);
  });

  test('on a wide terminal: a bar filled to the percent, and everything else', () => {
    const line = formatProgressLine(importJob(), 160);
    expect(line).toBe(`processing [########----------------------] ${essentials}  ${counts}`);
    expect(line.length).toBeLessThan(160);
  });

  test('on an 80-column terminal: the counts give way to the bar', () => {
    const line = formatProgressLine(importJob(), 80);
    expect(line).toBe(`processing [####------------] ${essentials}`);
    expect(line.length).toBeLessThan(80);
  });

  test('keeps its length as the counts grow, so the bar does not move', () => {
    const early = formatProgressLine(importJob({}, { processed: 5, created: 5, rejected: 0, indexed: 0 }), 150);
    const late = formatProgressLine(importJob({ rowsPerSecond: 9.5, etaSeconds: 5 }, { processed: 19_999, created: 19_000, indexed: 18_000 }), 150);
    expect(late).toHaveLength(early.length);
    expect(late.indexOf(']')).toBe(early.indexOf(']'));
  });

  test('a terminal too narrow for a bar gets the plain line, cut to fit', () => {
    const line = formatProgressLine(importJob(), 60);
    expect(line).not.toContain('[');
    expect(line).toHaveLength(59);
  });
});

describe('createProgressReporter', () => {
  test('on a terminal, redraws one line in place and ends it on finish', () => {
    const out = captureStream();
    Object.assign(out.stream, { isTTY: true, columns: 200 });
    const reporter = createProgressReporter(out.stream);
    reporter.update(importJob());
    reporter.update(importJob({ status: 'indexing' }));
    reporter.finish();
    const text = out.text();
    expect(text.split('\r')).toHaveLength(3);
    expect(text).toMatch(/^\rprocessing \[.*\x1b\[K\rindexing {3}.*\x1b\[K\n$/s);
  });

  test('in a log, writes a line when the status changes, otherwise at most every plainEveryMs', () => {
    const out = captureStream();
    let now = 0;
    const reporter = createProgressReporter(out.stream, { now: () => now, plainEveryMs: 10_000 });
    reporter.update(importJob()); // first: written
    now = 5_000;
    reporter.update(importJob()); // same status, too soon: skipped
    reporter.update(importJob({ status: 'indexing' })); // status changed: written
    now = 15_001;
    reporter.update(importJob({ status: 'indexing' })); // interval passed: written
    reporter.finish();
    expect(
      out
        .text()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['processing', 'indexing', 'indexing', '']);
  });
});
