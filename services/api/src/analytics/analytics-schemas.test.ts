import { ValidationError } from '../errors/app-error';
import { parseRequestPart } from '../http/validate';
import { bucketCount } from './analytics-calendar';
import { ContactsCreatedQuery, SegmentCountsQuery, TagsQuery } from './analytics-schemas';

function problems(schema: Parameters<typeof parseRequestPart>[0], query: Record<string, string>) {
  try {
    parseRequestPart(schema, 'query', query);
  } catch (err) {
    return (err as ValidationError).problems;
  }
  return [];
}

describe('bucketCount: the buckets a range of dates touches, as Elasticsearch rounds them', () => {
  test.each([
    ['day', '2024-03-01', '2024-03-01', 1],
    ['day', '2024-02-01', '2024-03-01', 30], // 2024 is a leap year
    ['day', '2023-02-01', '2023-03-01', 29],
    ['day', '2024-01-01', '2026-09-26', 1000],
    ['week', '2024-04-01', '2024-04-07', 1], // Monday to Sunday
    ['week', '2024-04-07', '2024-04-08', 2], // Sunday, then Monday
    ['week', '2024-03-31', '2024-04-14', 3],
    ['week', '1970-01-01', '1970-01-05', 2], // day 0 was a Thursday; the 5th a Monday
    ['month', '2024-01-31', '2024-02-01', 2],
    ['month', '2023-12-15', '2024-01-15', 2],
    ['month', '2024-01-01', '2024-12-31', 12],
  ] as const)('%s from %s to %s: %i', (interval, from, to, expected) => {
    expect(bucketCount(interval, from, to)).toBe(expected);
  });
});

describe('contacts-created query: every refusal names its field and rule', () => {
  const schema = ContactsCreatedQuery(30_000);
  test.each([
    [{ from: '2024-03-01', to: '2024-03-31' }, []],
    [{ from: '2024-03-01', to: '2024-03-31', timeZone: 'europe/paris', interval: 'week' }, []],
    [{ to: '2024-03-31' }, [{ field: 'query.from', rule: 'is required: a date as YYYY-MM-DD' }]],
    [{ from: '2024-02-30', to: '2024-03-31' }, [{ field: 'query.from', rule: 'must be a real date as YYYY-MM-DD, years 1000 to 9999' }]],
    [{ from: '0999-12-31', to: '2024-03-31' }, [{ field: 'query.from', rule: 'must be a real date as YYYY-MM-DD, years 1000 to 9999' }]],
    [{ from: '2024-03-01T00:00:00Z', to: '2024-03-31' }, [{ field: 'query.from', rule: 'must be a real date as YYYY-MM-DD, years 1000 to 9999' }]],
    [{ from: '2024-04-01', to: '2024-03-31' }, [{ field: 'query.from', rule: 'must not be after to' }]],
    [
      { from: '2024-03-01', to: '2024-03-31', timeZone: 'Mars/Olympus' },
      [{ field: 'query.timeZone', rule: 'must be an IANA time zone such as Europe/Paris or UTC' }],
    ],
    [
      { from: '2024-03-01', to: '2024-03-31', timeZone: '+01:00' },
      [{ field: 'query.timeZone', rule: 'must be an IANA time zone such as Europe/Paris or UTC' }],
    ],
    [{ from: '2024-03-01', to: '2024-03-31', interval: 'hour' }, [{ field: 'query.interval', rule: 'must be day, week or month' }]],
    [{ from: '2024-01-01', to: '2026-09-26' }, []],
    [
      { from: '2024-01-01', to: '2026-09-27' },
      [{ field: 'query.to', rule: 'makes 1001 day buckets from 2024-01-01; an answer holds at most 1000 (a shorter range or a longer interval)' }],
    ],
    [
      { from: '1000-01-01', to: '9999-12-31', interval: 'month' },
      [{ field: 'query.to', rule: 'makes 108000 month buckets from 1000-01-01; an answer holds at most 1000 (a shorter range or a longer interval)' }],
    ],
    [{ from: '2024-03-01', to: '2024-03-31', extra: '1' }, [{ field: 'query', rule: 'Unrecognized key: "extra"' }]],
  ])('%j', (query, expected) => {
    expect(problems(schema, query)).toEqual(expected);
  });

  test("the time zone keeps the caller's spelling, its case fixed when that is all that differs", () => {
    const zoneOf = (timeZone: string) => parseRequestPart(schema, 'query', { from: '2024-03-01', to: '2024-03-01', timeZone }).timeZone;
    expect(zoneOf('europe/paris')).toBe('Europe/Paris');
    expect(zoneOf('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(zoneOf('US/Pacific')).toBe('US/Pacific');
    expect(parseRequestPart(schema, 'query', { from: '2024-03-01', to: '2024-03-01' }).timeZone).toBe('UTC');
  });
});

describe('tags and segment counts queries', () => {
  test.each([
    ['tags', TagsQuery(30_000), { sort: 'popularity' }, [{ field: 'query.sort', rule: 'must be count (most contacts first) or name' }]],
    ['tags', TagsQuery(30_000), { segmentId: 'seg' }, [{ field: 'query.segmentId', rule: 'must be a saved segment id (UUID)' }]],
    [
      'segments',
      SegmentCountsQuery(30_000),
      { ids: '00000000-0000-4000-8000-000000000000,x' },
      [{ field: 'query.ids.1', rule: 'must be a saved segment id (UUID)' }],
    ],
    [
      'segments',
      SegmentCountsQuery(30_000),
      { ids: Array.from({ length: 51 }, () => '00000000-0000-4000-8000-000000000000').join(',') },
      [{ field: 'query.ids', rule: 'must name at most 50 segments' }],
    ],
    [
      'segments',
      SegmentCountsQuery(30_000),
      { ids: '00000000-0000-4000-8000-000000000000', cursor: 'abc' },
      [{ field: 'query.cursor', rule: 'pages the list of every saved segment; not with ids' }],
    ],
    ['segments', SegmentCountsQuery(30_000), { limit: '51' }, [{ field: 'query.limit', rule: 'must be at most 50' }]],
  ] as const)('%s %j', (_name, schema, query, expected) => {
    expect(problems(schema, query)).toEqual(expected);
  });
});
