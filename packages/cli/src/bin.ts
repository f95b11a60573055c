#!/usr/bin/env node
import nodeModule from 'node:module';
import { Interrupted } from './interrupt.js';

/** After Ctrl-C, the time a command has to stop by itself before the process ends anyway. */
const GRACE_MS = 3_000;

const EXIT_BY_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

// Node 22.1+ keeps compiled code between runs (NODE_DISABLE_COMPILE_CACHE turns it off); a
// command started for every kubectl call should not recompile itself each time. Absent on 20.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// `oidcflow status | head -1`: the reader left, so there is nobody to tell; end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C means "now".
    if (controller.signal.aborted) process.exit(EXIT_BY_SIGNAL[signal]);
    controller.abort(new Interrupted(signal));
    setTimeout(() => process.exit(EXIT_BY_SIGNAL[signal]), GRACE_MS).unref();
  });
}

const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));

// Loaded after enableCompileCache, so the cache covers the CLI's own modules too.
const { runCli } = await import('./main.js');
const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});
// Exit explicitly once the output is written: a stray handle (a keep-alive socket, a browser
// launcher's timer) must not keep a finished command alive.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(exitCode);
