// A TCP proxy in front of the real Elasticsearch node that can hold every answer back for a
// while: a search timeout test needs a node that is reliably slower than the timeout, and a real
// node answers an empty workspace's search in about a millisecond, sometimes faster than any
// timer the client can set (a 1 ms timeout then raced the answer and the test flaked under load).
import net from 'node:net';

export interface SlowElasticsearchProxy {
  url: string;
  /** How long each chunk of an answer is held before it reaches the client (0: pass through). */
  setDelayMs(ms: number): void;
  stop(): Promise<void>;
}

export async function startSlowElasticsearchProxy(target: string): Promise<SlowElasticsearchProxy> {
  const { hostname, port } = new URL(target);
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (delayMs === 0) client.write(chunk);
      else setTimeout(() => client.writable && client.write(chunk), delayMs);
    });
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    setDelayMs: (ms) => {
      delayMs = ms;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
