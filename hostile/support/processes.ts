import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetKernelKeysUnder } from '@oidcflow/cache-keyring/testing';

const require = createRequire(import.meta.url);

/** The built `oidcflow` command, as npm would install it. */
export const CLI_BIN = join(dirname(require.resolve('@oidcflow/cli/package.json')), 'dist', 'bin.js');

export const script = (name: string) => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

const children = new Set<ReturnType<typeof spawn>>();

/** Kills what a test left running (call from afterEach). */
export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Runs `node file args…` with exactly `env` (plus PATH); kills it after `timeoutMs`. */
export function runNode(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Finished> {
  const started = Date.now();
  const child = spawn(process.execPath, [file, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** `oidcflow args…` from the built CLI. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs?: number): Promise<Finished> {
  return runNode(CLI_BIN, args, env, timeoutMs);
}

const directories: string[] = [];

export async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'oidcflow-hostile-'));
  directories.push(directory);
  return directory;
}

/** Removes the test's directories, and what keyring caches in them left in the kernel keyring. */
export async function removeDirectories(): Promise<void> {
  await Promise.all(
    directories.splice(0).map(async (directory) => {
      await rm(directory, { recursive: true, force: true });
      forgetKernelKeysUnder(directory);
    }),
  );
}

/** Characters a terminal obeys: none may reach stdout or stderr raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const RAW_TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
