import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A child Node process with its output gathered line by line. */
export interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first stdout line that `matches`, or rejects after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Every child a test file started, so afterEach can kill what is left. */
const started = new Set<ChildProcessWithoutNullStreams>();

export function killAll(): void {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
}

/**
 * Runs `node <script> ...args` with exactly `env` (plus PATH), never the test runner's
 * environment: CI flags, NODE_OPTIONS and the like would change what the child does.
 */
export function startNode(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.add(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  let errorText = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errorText += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      for (const wake of waiters) wake();
      resolve(code);
    });
  });
  const waitForLine = (matches: (line: string) => boolean, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(matches);
        if (found !== undefined) finish(() => resolve(found));
        else if (child.exitCode !== null || child.signalCode !== null)
          finish(() =>
            reject(new Error(`the child exited before the line was printed; stderr: ${errorText}`)),
          );
      };
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no such line within ${timeoutMs} ms; stderr: ${errorText}`))),
        timeoutMs,
      );
      waiters.add(check);
      check();
    });
  return { process: child, lines, stderr: () => errorText, waitForLine, exited };
}

export interface TokenResult {
  ok: boolean;
  tokenHash?: string;
  code?: string;
  message?: string;
}

/**
 * Starts `count` get-token processes, waits until every one has imported oidcflow and is
 * ready, then tells them all to go at once, and collects their results.
 */
export async function getTokensInProcesses(
  count: number,
  settings: { kind: 'user' | 'client'; options: Record<string, unknown> },
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<{ results: TokenResult[]; stderr: string[] }> {
  const children = Array.from({ length: count }, () =>
    startNode(fixture('get-token.mjs'), [JSON.stringify(settings)], env),
  );
  await Promise.all(children.map((child) => child.waitForLine((line) => line === 'ready', timeoutMs)));
  for (const child of children) child.process.stdin.write('go\n');
  const results = await Promise.all(
    children.map(async (child) => {
      const line = await child.waitForLine((text) => text.startsWith('{'), timeoutMs);
      await child.exited;
      return JSON.parse(line) as TokenResult;
    }),
  );
  return { results, stderr: children.map((child) => child.stderr()) };
}
