import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary, run as a user would: `node packages/cli/dist/bin.js …`. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/** `node --import` it to have a process list the URL of every module it resolves (record-imports.mjs). */
const IMPORTS_RECORDER = fileURLToPath(new URL('./record-imports.mjs', import.meta.url));

/** Module URLs as `node:x` or the path below packages/, sorted: independent of the checkout. */
export function moduleNames(urls: string[]): string[] {
  const names = urls.map((url) => {
    if (!url.startsWith('file:')) return url;
    const path = decodeURIComponent(new URL(url).pathname);
    const below = path.lastIndexOf('/packages/');
    return below === -1 ? path : path.slice(below + '/packages/'.length);
  });
  // A chunk's content hash changes with every build.
  return [...new Set(names.map((name) => name.replace(/(\/chunks\/[\w-]+?)-[\w-]{8}\.js$/, '$1.js')))].sort();
}

export function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build first with \`pnpm --filter @oidcflow/cli build\`.`);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `oidcflow` with its output so far, for tests that talk to it while it runs. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr, within `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
}

/**
 * A temporary HOME and cache directory per test, and an environment built from scratch: only
 * PATH and what the test gives, so the developer's (or CI's) OIDCFLOW_* and CI never leak in.
 */
export class CliSandbox {
  private constructor(
    readonly home: string,
    readonly cachePath: string,
  ) {}
  private readonly running = new Set<ChildProcess>();

  static async create(): Promise<CliSandbox> {
    const home = await mkdtemp(join(tmpdir(), 'oidcflow-cli-test-'));
    return new CliSandbox(home, join(home, 'token-cache'));
  }

  /**
   * The file cache unless the test names OIDCFLOW_CACHE (even as undefined: then the CLI's
   * default, `auto`): tests of other things do not depend on whether this machine has a
   * Secret Service; test/default-cache.test.ts tests the default.
   */
  environment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home };
    if (!Object.hasOwn(extra, 'OIDCFLOW_CACHE')) env.OIDCFLOW_CACHE = 'file';
    for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
    return env;
  }

  start(
    args: readonly string[],
    env: Record<string, string | undefined> = {},
    timeoutMs = 30_000,
    nodeArgs: readonly string[] = [],
  ): CliProcess {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
      env: this.environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.home,
    });
    this.running.add(child);
    let stdout = '';
    let stderr = '';
    const waiters: Array<() => void> = [];
    const notify = () => {
      for (const waiter of waiters.splice(0)) waiter();
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      notify();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = new Promise<CliResult>((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(killer);
        this.running.delete(child);
        notify();
        resolve({ code, signal, stdout, stderr });
      });
    });
    const waitFor =
      (read: () => string, name: string) =>
      (pattern: RegExp, waitMs = 15_000) =>
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const deadline = setTimeout(
            () => reject(new Error(`no ${pattern} on ${name} within ${waitMs} ms; it has:\n${read()}`)),
            waitMs,
          );
          const check = () => {
            const match = read().match(pattern);
            if (match) {
              clearTimeout(deadline);
              resolve(match);
            } else if (child.exitCode !== null || child.signalCode !== null) {
              clearTimeout(deadline);
              reject(
                new Error(`oidcflow ended before ${pattern} appeared on ${name}:\n${read()}\n${stderr}`),
              );
            } else waiters.push(check);
          };
          check();
        });
    return {
      child,
      stdout: () => stdout,
      stderr: () => stderr,
      waitForStderr: waitFor(() => stderr, 'stderr'),
      waitForStdout: waitFor(() => stdout, 'stdout'),
      done,
    };
  }

  /** Runs the command like `start`, recording the URL of every module it resolves. */
  async importsOf(
    args: readonly string[],
    env: Record<string, string | undefined> = {},
  ): Promise<{ result: CliResult; urls: string[] }> {
    const logFile = join(this.home, `imports-${Math.random().toString(36).slice(2)}.log`);
    const result = await this.start(args, { ...env, RECORD_IMPORTS_TO: logFile }, 30_000, [
      '--import',
      IMPORTS_RECORDER,
    ]).done;
    return { result, urls: (await readFile(logFile, 'utf8')).split('\n').filter(Boolean) };
  }

  run(
    args: readonly string[],
    env: Record<string, string | undefined> = {},
    timeoutMs?: number,
  ): Promise<CliResult> {
    return this.start(args, env, timeoutMs).done;
  }

  async dispose(): Promise<void> {
    for (const child of this.running) child.kill('SIGKILL');
    await rm(this.home, { recursive: true, force: true });
  }
}

/** A port nothing listens on: bound by the OS, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
