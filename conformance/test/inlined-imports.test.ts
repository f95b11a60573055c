// The keyring cache's build inlines core's `./keyring-fallback` entry and the file cache
// (scripts/bundle-package.mjs, INLINED_IMPORTS), so that a keyring hit loads two packages, as the
// file cache's hit does: core and the keyring cache. Checked on the built files: what is inlined
// holds no module state, chunks included (a copy of state would be a second instance of it; what
// copies must share lives on the process), core's main entry shares no chunk with keyring-fallback,
// and the keyring cache's files import no package but core.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/lazy-side.mjs', import.meta.url));
const { moduleStateOfFile, moduleStateOfGraph } = (await import(pathToFileURL(script).href)) as {
  moduleStateOfFile(file: string): string[];
  moduleStateOfGraph(file: string): { file: string; reasons: string[] }[];
};

/** The specifiers a built module imports statically (`import … from "x"`, `export … from "x"`). */
const staticImports = (file: string) =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:^|[;}\s])(?:import|export)\b[^;(]*?from\s*["'`]([^"'`]+)["'`]/g,
    ),
  ].map((match) => match[1]);

test("core's keyring-fallback entry is one file, imports nothing and holds no module state", () => {
  const entry = `${packages}core/dist/keyring-fallback.js`;
  expect(staticImports(entry)).toEqual([]);
  expect(moduleStateOfFile(entry)).toEqual([]);
  // Core's main entry carries its own copy: no chunk between the two for every core user to load.
  expect(staticImports(`${packages}core/dist/index.js`)).toEqual([]);
});

test("the file cache's build, chunks included, holds no module state", () => {
  expect(moduleStateOfGraph(`${packages}cache-file/dist/index.js`)).toEqual([]);
});

test('the keyring cache carries the file cache and keyring-fallback, and imports no package but core', () => {
  const entry = `${packages}cache-keyring/dist/index.js`;
  // The file cache's code takes core's public names (its errors, warnOnce) from core itself.
  expect(staticImports(entry)).toEqual(['@oidcflow/core']);
  const text = readFileSync(entry, 'utf8');
  expect(text).toContain('function createFileCache(');
  expect(text).toContain('function sessionBusMissing(');
  expect(text).toContain('function recordKeyringFallback(');
  expect(text).not.toMatch(/["'`]@oidcflow\/(cache-file|core\/keyring-fallback)["'`]/);
  const chunks = `${packages}cache-keyring/dist/chunks/`;
  // The file cache's lock and writer came along as chunks: they hold no state of their own.
  for (const chunk of readdirSync(chunks).filter((name) => name.endsWith('.js'))) {
    for (const specifier of staticImports(`${chunks}${chunk}`))
      expect(specifier, chunk).toMatch(/^(node:|@oidcflow\/core$|\.\/)/);
    expect(moduleStateOfFile(`${chunks}${chunk}`), chunk).toEqual([]);
  }
});
