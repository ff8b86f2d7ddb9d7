// The Postgres pool both services use, plus the one helper every service needs: a transaction.
import { Pool, PoolClient } from 'pg';

export type { Pool, PoolClient };

export function createPgPool(url: string, max: number, onIdleError?: (err: Error) => void): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (Postgres restart, terminated backend) emits 'error' on
  // the pool; unhandled, that would crash the process. The pool replaces the client on next use.
  pool.on('error', (err) => onIdleError?.(err));
  return pool;
}

/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function postgresReachable(pool: Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
