// Pipes an answer's body (CSV, NDJSON) to a file or to stdout as it arrives, with backpressure,
// so an export of millions of contacts never sits in memory.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export type StreamTarget = { file: string } | { stdout: Writable };

export async function streamResponse(response: Response, target: StreamTarget): Promise<void> {
  const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  if ('file' in target) {
    // Written beside the file and renamed at the end: a stream cut halfway never leaves a
    // truncated file under the name the user asked for.
    const partial = `${target.file}.partial`;
    try {
      await pipeline(body, createWriteStream(partial));
      await rename(partial, target.file);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return;
  }
  try {
    // stdout stays open: it belongs to the caller (the process, or a test reading it).
    await pipeline(body, target.stdout, { end: false });
  } catch (err) {
    // The reader went away (`| head`): what it wanted was written, which is not a failure.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}
