// Writing a streamed answer (member streams, exports, rejected rows) at the client's pace: the
// next chunk is made only once the client took the previous one, so nothing piles up in memory.
import type { Response } from 'express';

/** Writes a chunk and resolves once the client can take more (backpressure); rejects when the client is gone. */
export function write(res: Response, chunk: string): Promise<void> {
  // Gone already: a 'close' that fired before we listen would leave us waiting for 'drain' forever.
  if (res.destroyed || res.socket?.destroyed) return Promise.reject(new Error('client went away'));
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', done);
      reject(new Error('client went away'));
    };
    res.once('drain', done);
    res.once('close', closed);
  });
}
