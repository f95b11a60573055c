#!/usr/bin/env node
import { cachedTokenOutput } from './cached-token.js';

// Built-ins through process.getBuiltinModule, not `import`: an ES import of node:fs or
// node:module builds a module facade over all of their exports, milliseconds of every start.
const { writeSync } = process.getBuiltinModule('node:fs');

/** After Ctrl-C, the time a command has to stop by itself before the process ends anyway. */
const GRACE_MS = 3_000;

const EXIT_BY_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

// Node 22.1+ keeps compiled code between runs (NODE_DISABLE_COMPILE_CACHE turns it off); a
// command started for every kubectl call should not recompile itself each time. Node 20 has no
// compile cache, and loading node:module there for nothing costs ≈ 0.15 ms CPU of every start
// (it brings internal/source_map with it; an ES module on Node 20, medians of three).
const hasCompileCache = Number(process.versions.node.split('.')[0]) >= 22;
if (hasCompileCache)
  (process.getBuiltinModule('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/**
 * Writes `text` to stdout's descriptor; returns what is left when the descriptor is
 * non-blocking and full (EAGAIN), for the stream to write. A reader that left (EPIPE) ends
 * the process quietly, as the stream's handler below does.
 */
function writeToDescriptor(text: string): Buffer {
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(1, rest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') process.exit(0);
  }
  return rest;
}

const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));

/**
 * The command. A function, not top-level await: the single executable (scripts/build-binary.mjs)
 * runs this file as a CommonJS script, where only functions may await.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // `oidcflow token` with a fresh cached token: answered here, before any parser, option table or
  // command module loads (scripts call it for every request). Anything the warm
  // path does not know runs the full CLI below, which also reports every error.
  if (args[0] === 'token') {
    const output = await cachedTokenOutput(args.slice(1), process.env);
    // Written to the descriptor: building process.stdout (a stream; for a pipe, node:net) costs
    // more than the answer.
    if (output !== undefined) {
      const rest = writeToDescriptor(output);
      if (rest.length > 0) {
        process.stdout.on('error', () => process.exit(0));
        process.stdout.write(rest);
        await flushed(process.stdout);
      }
      process.exit(0);
    }
  }

  // `oidcflow status | head -1`: the reader left, so there is nobody to tell; end quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

  const { Interrupted } = await import('./interrupt.js');
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C means "now".
      if (controller.signal.aborted) process.exit(EXIT_BY_SIGNAL[signal]);
      controller.abort(new Interrupted(signal));
      setTimeout(() => process.exit(EXIT_BY_SIGNAL[signal]), GRACE_MS).unref();
    });
  }

  // Loaded after enableCompileCache, so the cache covers the CLI's own modules too.
  const { runCli } = await import('./main.js');
  const exitCode = await runCli(args, {
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
}

// A rejection ends the process with the error, as a failed top-level await would.
void main().catch((error: unknown) => {
  throw error;
});
