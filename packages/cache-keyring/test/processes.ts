import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/get-token.mjs', import.meta.url));
const started = new Set<ChildProcessWithoutNullStreams>();

/** Kills what a test left running (afterEach). */
export function killAll(): void {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

export interface TokenResult {
  ok: boolean;
  tokenHash?: string;
  code?: string;
  message?: string;
  cache?: { plugin: string; path?: string; reason?: string };
}

/**
 * Starts `count` processes that each want a token (fixtures/get-token.mjs) with exactly `env`
 * (plus PATH), waits until all are ready, releases them at once, and gathers their answers
 * within `timeoutMs`. `launcher` runs each through a command first (e.g. `keyctl session -`).
 */
export async function getTokensInProcesses(
  count: number,
  settings: object,
  env: Record<string, string>,
  timeoutMs = 90_000,
  launcher: readonly string[] = [],
): Promise<{ results: TokenResult[]; stderr: string[] }> {
  const [command, ...prefix] = [...launcher, process.execPath];
  const children = Array.from({ length: count }, () => {
    const child = spawn(command!, [...prefix, script, JSON.stringify(settings)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    started.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const waitFor = (matches: (line: string) => boolean) =>
      new Promise<string>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          const line = stdout.split('\n').find(matches);
          if (line !== undefined) return resolve(line);
          if (child.exitCode !== null) return reject(new Error(`the child exited early; stderr: ${stderr}`));
          if (Date.now() > deadline)
            return reject(new Error(`no answer within ${timeoutMs} ms; stderr: ${stderr}`));
          setTimeout(check, 20);
        };
        check();
      });
    return { child, waitFor, stderr: () => stderr };
  });
  await Promise.all(children.map((c) => c.waitFor((line) => line === 'ready')));
  for (const { child } of children) child.stdin.write('go\n');
  const results = await Promise.all(
    children.map(async (c) => JSON.parse(await c.waitFor((line) => line.startsWith('{'))) as TokenResult),
  );
  return { results, stderr: children.map((c) => c.stderr()) };
}
