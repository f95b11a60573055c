import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
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

/** A word for `sh -c`: single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
