// A published entry point exports the names its index.ts lists and nothing else: never a
// bundler's name for an internal (`a`, `c`, …) that lazily loaded chunks import
// (scripts/bundle-package.mjs keeps each entry's exports strict); a bundled file is ASCII (the
// bundle's `charset`: one other character makes V8 keep a whole file as two-byte text). Runs
// over the built packages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The workspace's package folders: the libraries and the conformance targets. */
const packageDirectories = ['packages', 'targets']
  .map((folder) => join(root, folder))
  .filter((folder) => existsSync(folder))
  .flatMap((folder) => readdirSync(folder).map((name) => join(folder, name)))
  .filter((directory) => existsSync(join(directory, 'package.json')));

/** The JavaScript files of the packages built by scripts/bundle-package.mjs. */
function bundledFiles(): string[] {
  return packageDirectories
    .filter((directory) => {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        scripts?: { build?: string };
      };
      return manifest.scripts?.build?.includes('bundle-package.mjs') ?? false;
    })
    .flatMap((directory) =>
      readdirSync(join(directory, 'dist'), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
        .map((entry) => join(entry.parentPath, entry.name)),
    );
}

/** Every `exports` entry with a JavaScript target, as [label, file]. */
function builtEntries(): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const directory of packageDirectories) {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string | { default?: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const file = typeof target === 'string' ? target : target.default;
      if (!file?.endsWith('.js')) continue;
      entries.push([`${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}`, join(directory, file)]);
    }
  }
  return entries;
}

test.each(builtEntries())('%s exports no single-letter name', async (_label, file) => {
  const exported = Object.keys(await import(pathToFileURL(file).href));
  expect(exported.length).toBeGreaterThan(0);
  expect(exported.filter((name) => name.length === 1)).toEqual([]);
});

test('every bundled file is ASCII', () => {
  const files = bundledFiles();
  // core, the caches and the CLI at least.
  expect(files.length).toBeGreaterThan(4);
  const offending = files.flatMap((file) => {
    const character = /[\u0080-\uffff]/.exec(readFileSync(file, 'utf8'));
    return character
      ? [`${file.slice(root.length)}: ${JSON.stringify(character[0])} at ${character.index}`]
      : [];
  });
  expect(offending).toEqual([]);
});
