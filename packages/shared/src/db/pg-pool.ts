// The Postgres pool both services use, plus the one helper every service needs: a transaction.
import { Pool, PoolClient } from 'pg';

export type { Pool, PoolClient };

/** What a store needs to run statements: the pool itself, or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

export function createPgPool(url: string, max: number, onIdleError?: (err: Error) => void): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (Postgres restart, terminated backend) emits 'error' on
  // the pool; unhandled, that would crash the process. The pool replaces the client on next use.
  pool.on('error', (err) => onIdleError?.(err));
  return pool;
}

const afterCommit = new WeakMap<object, (() => void)[]>();

/**
 * Runs `then` once the transaction `client` is in commits, and never if it rolls back: what a
 * write tells its caller (a consistency token) must not describe a write that did not happen.
 * Outside inTransaction (no transaction to wait for), it runs at once.
 */
export function onCommit(client: object, then: () => void): void {
  const pending = afterCommit.get(client);
  if (pending) pending.push(then);
  else then();
}

/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  afterCommit.set(client, []);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    for (const then of afterCommit.get(client) ?? []) then();
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    afterCommit.delete(client);
    client.release();
  }
}

/**
 * Holds a lock on `name` until the transaction ends: serialises work no row lock covers, such as
 * a check followed by an insert. Must run inside a transaction (outside one it is released at once).
 */
export async function lockForTransaction(client: Queryable, name: string): Promise<void> {
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [name]);
}

export async function postgresReachable(pool: Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
