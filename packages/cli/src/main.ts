// The process entry of the `segmenter` bin (bin/segmenter.js): real streams, environment and
// fetch, Ctrl-C turned into an abort signal, and the command's exit code as the process's.
import { run } from './cli';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C lets the command stop cleanly (an import is cancelled on the server);
  // a second one means "now", in case that cleanup hangs. 130 = 128 + SIGINT, as shells report it.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: (url, init) => fetch(url, init),
  signal: interrupt.signal,
}).then(
  // exitCode rather than exit(): process.exit() could cut off output still queued for a pipe.
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
