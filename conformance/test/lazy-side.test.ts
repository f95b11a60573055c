// scripts/lazy-side.mjs decides, for a package whose entry is one file, what its lazily loaded
// chunks take from the entry (its public names) and what they carry a copy of (stateless
// modules only). Here it runs on small trees made on purpose — state it must refuse to copy,
// helpers it may copy — and the built core is checked for what the decision is for: an error
// raised in a lazily loaded chunk is the entry's OidcflowError.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';

interface LazySide {
  planLazySide(entries: string[]): {
    lazyRoots: Set<string>;
    fromEntry: Map<string, unknown>;
    copied: Set<string>;
  };
}
const script = fileURLToPath(new URL('../../scripts/lazy-side.mjs', import.meta.url));
const { planLazySide } = (await import(pathToFileURL(script).href)) as LazySide;
const coreDist = fileURLToPath(new URL('../../packages/core/dist/', import.meta.url));

const trees: string[] = [];
afterEach(async () => {
  await Promise.all(trees.splice(0).map((tree) => rm(tree, { recursive: true, force: true })));
});

/** A package's tsc output: index.js and the files given. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'oidcflow-lazy-side-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const relativeTo = (root: string, files: Iterable<string>) =>
  [...files].map((file) => file.slice(root.length + 1)).sort();

test('public names come from the entry; a stateless helper the entry does not export is copied', async () => {
  const root = await tree({
    'index.js':
      "export { warnOnce } from './logger.js';\nexport { Failure } from './failure.js';\n" +
      "import { label } from './label.js';\nexport const run = () => import('./lazy.js');\nexport const named = label;\n",
    'logger.js':
      'const said = new Set();\nexport function warnOnce(kind) { if (!said.has(kind)) said.add(kind); }\n',
    'failure.js': 'export class Failure extends Error {}\n',
    'label.js':
      "const QUOTES = new Set(['\"', \"'\"]);\nconst MARK = Symbol.for('x.label');\n" +
      "const { join } = process.getBuiltinModule('node:path');\n" +
      'export const label = (text) => (QUOTES.has(text[0]) ? text : "\\"" + text + "\\"");\nexport const mark = MARK;\n',
    'lazy.js':
      "import { warnOnce } from './logger.js';\nimport { Failure } from './failure.js';\nimport { label } from './label.js';\n" +
      'export const go = () => { warnOnce(label("a")); throw new Failure(); };\n',
  });
  const plan = planLazySide([join(root, 'index.js')]);
  expect(relativeTo(root, plan.lazyRoots)).toEqual(['lazy.js']);
  expect(relativeTo(root, plan.copied)).toEqual(['label.js']);
  expect(relativeTo(root, plan.fromEntry.keys())).toEqual(['failure.js', 'logger.js']);
});

test.each([
  [
    'an empty Set',
    'const said = new Set();\nexport const seen = (kind) => said.has(kind);\n',
    'line 1: said = new Set()',
  ],
  ['a let', 'let count = 0;\nexport const next = () => ++count;\n', 'line 1: let count = 0;'],
  [
    'a class (its identity)',
    'export class Failure extends Error {}\nexport const fail = () => new Failure();\n',
    'line 1: class Failure',
  ],
  [
    'a table written in its module',
    "const known = new Set(['a']);\nexport const learn = (x) => known.add(x);\n",
    '(written)',
  ],
  [
    'a table handed on as a value',
    "const known = new Set(['a']);\nexport const memory = (seen = known) => seen;\n",
    '(handed on as a value)',
  ],
  [
    'an object written',
    'const last = { at: 0 };\nexport const mark = () => { last.at = Date.now(); };\n',
    '(written)',
  ],
  [
    'a call at load',
    'const started = Date.now();\nexport const since = () => Date.now() - started;\n',
    'line 1: started = Date.now()',
  ],
])(
  'copying a module with %s fails the build, naming the module and the line',
  async (_what, text, reason) => {
    const root = await tree({
      'index.js':
        "export { publicName } from './public.js';\nexport const run = () => import('./lazy.js');\n",
      'public.js': "import * as helper from './helper.js';\nexport const publicName = () => helper;\n",
      'helper.js': text,
      'lazy.js': "import * as helper from './helper.js';\nexport const go = () => helper;\n",
    });
    expect(() => planLazySide([join(root, 'index.js')])).toThrow(
      /would hold their own copy of module-level state/,
    );
    expect(() => planLazySide([join(root, 'index.js')])).toThrow(`${join(root, 'helper.js')} line 1: `);
    expect(() => planLazySide([join(root, 'index.js')])).toThrow(reason);
  },
);

test('a lazily loaded chunk never loaded as a module the entry holds, and no `export *` in an entry', async () => {
  const both = await tree({
    'index.js': "export { a } from './a.js';\nexport const run = () => import('./a.js');\n",
    'a.js': 'export const a = 1;\n',
  });
  expect(() => planLazySide([join(both, 'index.js')])).toThrow(
    /loaded with import\(\) but an entry holds it/,
  );
  const star = await tree({ 'index.js': "export * from './a.js';\n", 'a.js': 'export const a = 1;\n' });
  expect(() => planLazySide([join(star, 'index.js')])).toThrow(/export \*/);
});

test("built core: one entry file, its chunks import its public names; an IdP error read in one chunk and raised in another is the entry's OidcflowError with the IdP's words", async () => {
  const entry = await readFile(join(coreDist, 'index.js'), 'utf8');
  // The entry loads no file statically (the packages it imports stay external).
  expect(entry.match(/\bfrom\s*["'`]\.{1,2}\/[^"'`]*["'`]/g) ?? []).toEqual([]);
  const chunks = (await readdir(join(coreDist, 'chunks'))).filter((file) => file.endsWith('.js'));
  for (const file of chunks) {
    const text = await readFile(join(coreDist, 'chunks', file), 'utf8');
    // The one error class, the one warning memory: declared in the entry only.
    expect(text, file).not.toMatch(/class OidcflowError|warnedInProcess/);
  }
  const core = (await import(
    pathToFileURL(join(coreDist, 'index.js')).href
  )) as typeof import('@oidcflow/core');
  // Discovery answers; the token endpoint fails with HTTP 500 and a JSON OAuth error, which
  // openid-client does not read: the session's chunk keeps it on the response, the error
  // conversion finds it there.
  const server = createServer((request, response) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const [status, body] =
      request.url === '/.well-known/openid-configuration'
        ? [200, { issuer: base, token_endpoint: `${base}/token` }]
        : [500, { error: 'server_error', error_description: 'the lazy side test says no' }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const auth = new core.OidcCredentialsAuth({
      issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      clientId: 'lazy-side',
      clientSecret: 'fake-secret-for-lazy-side-test',
      allowInsecureHttp: true,
      plugins: [core.createMemoryCache()],
      logger: core.silentLogger,
      env: {},
    });
    const error = await auth.getAccessToken().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(core.OidcflowError);
    expect((error as Error).message).toContain('the lazy side test says no');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
