// Two copies of this package in one process — an install that holds two versions, or the
// keyring cache, whose build carries one (scripts/bundle-package.mjs) — share the process's lock
// queue and held locks (src/lock/process-queue.ts, lock-owner.ts): callers through either copy
// are kept apart, with a lock file or, where the directory cannot be used, by the queue alone;
// each copy serves its own callers in the order they asked.
import { execFile } from 'node:child_process';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './processes.js';
import { temporaryDirectories } from './temporary-directory.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const directories = temporaryDirectories();
let copies: [string, string];

beforeAll(async () => {
  // Each copy is the whole build (its chunks too) in a directory of its own; core resolves
  // through this package's node_modules.
  const root = await directories.make('oidcflow-two-copies-');
  await symlink(join(packageDirectory, 'node_modules'), join(root, 'node_modules'), 'dir');
  copies = ['a', 'b'].map((name) => join(root, name)) as [string, string];
  for (const copy of copies) {
    await mkdir(copy);
    await cp(join(packageDirectory, 'package.json'), join(copy, 'package.json'));
    await cp(join(packageDirectory, 'dist'), join(copy, 'dist'), { recursive: true });
  }
});
afterAll(() => directories.removeAll());

/** How many critical sections ran while another was inside; each copy's callers in order. */
async function runBothCopies(cachePath: string) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [fixture('two-copies.mjs'), ...copies, cachePath],
    { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
  );
  const { order, overlaps } = JSON.parse(stdout) as { order: string[]; overlaps: number };
  const through = (copy: string) => order.filter((name) => name.startsWith(copy));
  return { overlaps, a: through('a'), b: through('b') };
}
const keptApart = { overlaps: 0, a: ['a1', 'a2'], b: ['b1', 'b2'] };

describe('two copies of the file cache in one process', () => {
  it('keep their callers apart through the lock file', async () => {
    const cachePath = join(await directories.make(), 'oidcflow');
    expect(await runBothCopies(cachePath)).toEqual(keptApart);
  });

  it('keep their callers apart where the directory cannot be used (the queue alone)', async () => {
    const root = await directories.make();
    await writeFile(join(root, 'a-file'), 'not a directory');
    expect(await runBothCopies(join(root, 'a-file', 'oidcflow'))).toEqual(keptApart);
  });
});
