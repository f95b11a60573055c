// The keyring cache's build inlines core's `./keyring-fallback` entry (scripts/bundle-package.mjs,
// INLINED_IMPORTS), so that a keyring hit resolves no second package. Checked on the built files:
// the inlined entry is one standalone file without module state (a copy of state would be a
// second instance of it), core's main entry shares no chunk with it, and the keyring cache's
// entry imports core only where it throws (with `import()`).
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/lazy-side.mjs', import.meta.url));
const { moduleStateOfFile } = (await import(pathToFileURL(script).href)) as {
  moduleStateOfFile(file: string): string[];
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

test('the keyring cache imports the file cache only; core is loaded where an error is thrown', () => {
  const entry = `${packages}cache-keyring/dist/index.js`;
  expect(staticImports(entry)).toEqual(['@oidcflow/cache-file']);
  const text = readFileSync(entry, 'utf8');
  expect(text).toContain('function sessionBusMissing(');
  expect(text).toContain('function recordKeyringFallback(');
  expect(text).not.toMatch(/@oidcflow\/core\/keyring-fallback/);
});
