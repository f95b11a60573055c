import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes.js';
import { Interrupted } from './interrupt.js';
import type { CliIo } from './io.js';
import { runCli } from './main.js';

function buffer(isTTY: boolean) {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
      isTTY,
      columns: 80,
    },
    text: () => text,
  };
}

function io(options: { tty?: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}) {
  const stdout = buffer(false);
  const stderr = buffer(options.tty ?? false);
  const value: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: process.stdin,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
  };
  return { io: value, stdout: stdout.text, stderr: stderr.text };
}

const ESCAPE = '\u001b[';

// An IdP that accepts connections and never answers: the request takes as long as it may.
let silentIdp: Server;
let silentIssuer: string;
const sockets = new Set<Socket>();
beforeAll(async () => {
  silentIdp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentIdp.listen(0, '127.0.0.1', resolve));
  silentIssuer = `http://127.0.0.1:${(silentIdp.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silentIdp.close(() => resolve()));
});

describe('colour and progress', () => {
  it('colour on a terminal; none when piped or with NO_COLOR', async () => {
    const terminal = io({ tty: true, env: {} });
    expect(await runCli(['frob'], terminal.io)).toBe(ExitCode.USAGE);
    expect(terminal.stderr()).toContain(`${ESCAPE}31moidcflow:`);
    const noColour = io({ tty: true, env: { NO_COLOR: '1' } });
    await runCli(['frob'], noColour.io);
    expect(noColour.stderr()).not.toContain(ESCAPE);
    const piped = io({ tty: false });
    await runCli(['frob'], piped.io);
    expect(piped.stderr()).not.toContain(ESCAPE);
  });

  it('a slow request shows a progress line on a terminal only, and clears it before the error', async () => {
    const args = ['explain', '--issuer', silentIssuer, '--client-id', 'cli', '--http-timeout-seconds', '1'];
    const terminal = io({
      tty: true,
      env: { HOME: '/nonexistent', OIDCFLOW_CACHE_PATH: '/nonexistent/cache' },
    });
    expect(await runCli(args, terminal.io)).toBe(ExitCode.UNREACHABLE);
    const clearLine = '\r\u001b[2K';
    const output = terminal.stderr();
    expect(output).toContain(`${clearLine}Reading the IdP metadata…${clearLine}`);
    // Cleared before the error, which then starts a line of its own.
    expect(output.indexOf(`${clearLine}Reading`)).toBeLessThan(output.indexOf('oidcflow:'));

    const noColour = io({
      tty: true,
      env: { HOME: '/nonexistent', OIDCFLOW_CACHE_PATH: '/nonexistent/cache', NO_COLOR: '1' },
    });
    expect(await runCli(args, noColour.io)).toBe(ExitCode.UNREACHABLE);
    expect(noColour.stderr()).not.toContain('Reading the IdP metadata');
    expect(noColour.stderr()).toMatch(/^oidcflow: Cannot reach the IdP/);
  });
});

describe('interruption', () => {
  it('an aborted run ends with 130 (SIGINT) or 143 (SIGTERM) and says the cache was left alone', async () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const controller = new AbortController();
      const run = io({
        env: { HOME: '/nonexistent', OIDCFLOW_CACHE_PATH: '/nonexistent/cache' },
        signal: controller.signal,
      });
      const pending = runCli(
        ['explain', '--issuer', silentIssuer, '--client-id', 'cli', '--http-timeout-seconds', '2'],
        run.io,
      );
      setTimeout(() => controller.abort(new Interrupted(signal)), 100);
      expect(await pending).toBe(code);
      expect(run.stderr()).toContain(`interrupted (${signal}); the token cache was left as it was`);
    }
  });
});

describe('help and version', () => {
  it('help <command> and --version print on stdout', async () => {
    const help = io();
    expect(await runCli(['help', 'status'], help.io)).toBe(0);
    expect(help.stdout()).toContain('Usage: oidcflow status');
    const version = io();
    expect(await runCli(['--version'], version.io)).toBe(0);
    expect(version.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
