import { inputProblem, MAX_REQUEST_NESTING } from './refuse-nul';

describe('the check every request goes through first', () => {
  test('names the first NUL, in a value or a key, with its path', () => {
    expect(inputProblem({ a: ['ok', 'b\u0000'] }, 'body')).toEqual({ field: 'body.a.1', rule: 'must not contain the NUL character' });
    expect(inputProblem({ ok: 1, ['k\u0000']: 1 }, 'body')).toEqual({ field: 'body.k\u0000', rule: 'must not contain the NUL character' });
    expect(inputProblem({ first: 'x\u0000', second: 'y\u0000' }, 'body')?.field).toBe('body.first');
    expect(inputProblem({ a: [1, true, null, { b: 'fine' }] }, 'body')).toBeUndefined();
  });

  test('refuses nesting deeper than any request needs, without recursing: 10,000 arrays and 12,000 NOTs', () => {
    const arrays = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(inputProblem(arrays, 'body')).toEqual({ field: 'body', rule: `nests deeper than ${MAX_REQUEST_NESTING} levels` });
    let not: unknown = { kind: 'sendable', channel: 'email' };
    for (let i = 0; i < 12_000; i++) not = { kind: 'not', condition: not };
    expect(inputProblem({ queries: [{ condition: not }] }, 'body')?.rule).toBe(`nests deeper than ${MAX_REQUEST_NESTING} levels`);
  });

  test('nesting up to the limit passes', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < MAX_REQUEST_NESTING; i++) value = [value];
    expect(inputProblem(value, 'body')).toBeUndefined();
    expect(inputProblem([value], 'body')?.rule).toMatch(/nests deeper/);
  });
});
