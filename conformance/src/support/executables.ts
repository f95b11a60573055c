import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The path of `name` on PATH, or undefined: what the shell would run. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** The built `oidcflow` command (packages/cli/dist/bin.js), as a user's install would run it. */
export function oidcflowBin(): string {
  const manifest = createRequire(import.meta.url).resolve('@oidcflow/cli/package.json');
  const bin = join(dirname(manifest), 'dist', 'bin.js');
  try {
    accessSync(bin, constants.R_OK);
  } catch {
    throw new Error(`${bin} is missing: build @oidcflow/cli first (pnpm build)`);
  }
  return bin;
}

/**
 * The single executable (scripts/build-binary.mjs) the consumer-tool scenarios run instead of
 * `node packages/cli/dist/bin.js`, when OIDCFLOW_CONFORMANCE_BINARY names it; undefined otherwise.
 */
export function oidcflowExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.OIDCFLOW_CONFORMANCE_BINARY;
  if (!path) return undefined;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `OIDCFLOW_CONFORMANCE_BINARY=${path} is not an executable file: build it with pnpm build:binary`,
    );
  }
  return path;
}

/** How a consumer tool runs `oidcflow`: the single executable, or Node with the built CLI. */
export function oidcflowCommand(): string[] {
  const executable = oidcflowExecutable();
  return executable ? [executable] : [process.execPath, oidcflowBin()];
}

/** Node's own names: what a PATH "without node" must not find. */
const NODE_NAMES = new Set(['node', 'nodejs']);
let pathWithoutNode: string | undefined;

/**
 * `path` with every directory that holds a `node` replaced by a mirror of it without Node (links
 * to all its other entries, made once per process under the temporary directory): on machines
 * where Node is in /usr/bin, removing the directory would remove git and kubectl too.
 */
function withoutNode(path: string): string {
  const root = mkdtempSync(join(tmpdir(), 'oidcflow-path-without-node-'));
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((directory, index) => {
      if (findExecutable('node', { PATH: directory }) === undefined) return directory;
      const mirror = join(root, String(index));
      mkdirSync(mirror);
      for (const name of readdirSync(directory)) {
        if (!NODE_NAMES.has(name)) symlinkSync(join(directory, name), join(mirror, name));
      }
      return mirror;
    })
    .join(delimiter);
}

/**
 * The PATH a consumer tool (kubectl, git) and the oidcflow it starts get: this process's, or,
 * when the single executable is under test, the same without Node (it must work where Node is
 * not installed).
 */
export function consumerPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.PATH ?? '';
  if (!oidcflowExecutable(env)) return path;
  pathWithoutNode ??= withoutNode(path);
  return pathWithoutNode;
}

/** A word for `sh -c`: single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
