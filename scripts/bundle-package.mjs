#!/usr/bin/env node
// Runs after `tsc` in a package's build: bundles each entry of its `exports` map (dist/*.js as
// tsc wrote them) into one file, with the parts loaded by `import()` split into dist/chunks/.
// A cache hit then loads one file per package instead of dozens: Node's cost for a new process
// grows with the number of module files. Other packages and Node built-ins stay external;
// tsc's .d.ts files stay as they are. Usage: node ../../scripts/bundle-package.mjs (in a package).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { build } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { moduleStateOfGraph, planLazySide } from './lazy-side.mjs';

const packageDirectory = process.cwd();
const manifest = JSON.parse(await readFile(join(packageDirectory, 'package.json'), 'utf8'));
const dist = join(packageDirectory, 'dist');

/** `./dist/x.js` targets in a part of the manifest (the exports map, `bin`). */
function distTargets(value, targets = new Set()) {
  if (typeof value === 'string') {
    if (value.startsWith('./dist/') && value.endsWith('.js')) targets.add(value.slice('./dist/'.length));
  } else if (value && typeof value === 'object') {
    for (const nested of Object.values(value)) distTargets(nested, targets);
  }
  return targets;
}

async function listFiles(directory) {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const inputOf = (files) =>
  Object.fromEntries([...files].map((file) => [file.replace(/\.js$/, ''), join(dist, file)]));
const compiled = (await listFiles(dist)).filter((file) => /\.js(\.map)?$/.test(file));

const outputOptions = {
  dir: dist,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  // Comments and whitespace out, names kept (stack traces stay readable; the source maps
  // lead back to the TypeScript): V8 parses every byte of a module a new process loads,
  // and the JSDoc is most of them.
  minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  /**
   * Non-ASCII characters escaped (`…` → `\u2026`): one such character makes V8 keep and scan the
   * whole file as two-byte text. Core's main entry had seven (in messages), so every process kept
   * its 60 KB twice over. Measured (importing core in a new process, medians of 200, interleaved,
   * 2026-12-07): 0.06–0.09 ms less on Node 20, 0.09 ms less on Node 24. conformance's
   * built-entries test keeps every bundled file ASCII.
   */
  charset: 'ascii',
};
/**
 * The seam "inlined imports": the entries of other packages a package's build takes into its
 * bundle instead of importing them at run time, with every module they load (their chunks too),
 * none holding module state (checked below). The keyring cache takes:
 * - core's keyring-fallback helpers: the session-bus rule and the fallback notice, which core's
 *   `cache: 'auto'` uses before loading the keyring cache. Imported at run time, they cost a
 *   keyring hit a second resolution of core (its package.json, `exports`) and a second module:
 *   wall medians of 80 interleaved new processes (Node 20, 2026-12-07), a keyring hit 0.5–1.1 ms
 *   slower (Node 24: 1.7).
 * - the file cache, which it seals into: a keyring hit then loads two packages, as the file
 *   cache's hit does, not three (each package a new process imports after the first two costs
 *   Node 20 about 0.7 ms however small it is). Measured in the process (program start to
 *   token, keyring hits answered from the decode memo, A/B interleaved in one Secret Service
 *   session, medians of 80–120, 2026-12-07/08): Node 20 0.65–1.23 ms less in five runs, Node 24
 *   0.58–0.78 in two; whole processes' wall time did not tell the two apart (medians of 150:
 *   41.35 / 41.37 and 47.89 / 48.12 ms).
 * The inlined code is the version built beside it: .changeset/config.json releases the three
 * packages together, so a fix of core or the file cache ships in the keyring cache too.
 */
const INLINED_IMPORTS = {
  '@oidcflow/cache-keyring': ['@oidcflow/core/keyring-fallback', '@oidcflow/cache-file'],
};
const inlined = new Set(INLINED_IMPORTS[manifest.name] ?? []);
// A copy of module state would be a second instance of it (a second memory, a second class):
// an inlined entry and what it loads hold none, or the build fails naming it. State an inlined
// package must share with its other copies lives on the process (`globalThis[Symbol.for(…)]`),
// as the file cache's lock queue and held locks do.
for (const specifier of inlined) {
  const file = createRequire(join(packageDirectory, 'package.json')).resolve(specifier);
  const stateful = moduleStateOfGraph(file);
  if (stateful.length > 0)
    throw new Error(
      `${specifier} (${file}) holds module state, so it cannot be inlined:\n${stateful
        .map(({ file: module, reasons }) => `${module}:\n${reasons.join('\n')}`)
        .join('\n')}`,
    );
}
// Only this package's own files go in (and its inlined imports); every other package (and node:*)
// is imported at run time.
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !inlined.has(id);

// A command's bin is bundled on its own: everything it imports statically goes into its one
// file (the CLI's warm `oidcflow token` loads that file and no chunk, though the option table
// it parses with is the library entry's too), and what it loads with import() stays a module
// of the package build below, named by its path, so that code is not emitted twice.
const binTargets = distTargets(manifest.bin);
const loadedByBins = new Set();
const binBundle =
  binTargets.size === 0
    ? { output: [] }
    : await build({
        input: inputOf(binTargets),
        platform: 'node',
        external,
        logLevel: 'warn',
        write: false,
        plugins: [
          {
            name: 'import-from-package-build',
            resolveDynamicImport(source, importer) {
              if (typeof source !== 'string' || !source.startsWith('.') || !importer) return null;
              const file = relative(dist, resolve(dirname(importer), source));
              loadedByBins.add(file);
              return { id: join(dist, file), external: 'relative' };
            },
          },
        ],
        output: outputOptions,
      });

// Each entry keeps exactly its own exports (`strict`): a public module exports only the names
// its index.ts lists, never a bundler's name for an internal (conformance/test/built-entries.test.ts).
// A package without a bin (core, the plugins) is laid out by entriesWithTheirLazySide() below:
// each entry one file. A package with a bin (the CLI) is bundled in the one build further down:
// the modules an entry shares with the chunks it loads later go into one chunk
// (`chunks/<entry>-shared-<hash>.js`) that both import; the rest of what it loads statically
// stays in the entry file.
//
// A command's start is laid out by what each start path runs: the modules the entries its bin
// loads (the full CLI's `main`, the warm path's helpers) share with lazily loaded chunks are
// grouped by which of those entries reach them, and named after the first module of the group.
// `oidcflow --version` then loads the parser and the option table but not core (which the CLI's
// index reaches through its token formats), and kubectl's warm `exec-credential` loads the token
// formats but not the parser.
const exportedEntries = distTargets(manifest.exports);
/**
 * This package's entries that another package inlines (INLINED_IMPORTS): each bundled on its own,
 * so that it shares no chunk with the other entries (a chunk both imported would be one more
 * module for every process that loads the main entry).
 */
const standaloneEntries = new Set(
  Object.values(INLINED_IMPORTS)
    .flat()
    .filter((specifier) => specifier.startsWith(`${manifest.name}/`))
    .flatMap((specifier) => [...distTargets(manifest.exports[`.${specifier.slice(manifest.name.length)}`])]),
);
const packageEntries = [...new Set([...exportedEntries, ...loadedByBins])];
const startEntries = [...loadedByBins].filter((file) => !exportedEntries.has(file));
/** Module id → the chunk it goes to, when an entry shares it with a chunk loaded later. */
const sharedGroupOf = new Map();
/**
 * Those chunks, the ones more start entries use first: each takes, with its modules, the modules
 * they import that no earlier one took (a module's imports are used by at least its users).
 */
const sharedGroupNames = [];
const sharedGroups = {
  name: 'shared-with-lazy-chunks',
  buildEnd() {
    const reach = (roots) => {
      const seen = new Set();
      const pending = [...roots];
      while (pending.length > 0) {
        const id = pending.pop();
        if (seen.has(id)) continue;
        const info = this.getModuleInfo(id);
        if (!info || info.isExternal) continue;
        seen.add(id);
        pending.push(...info.importedIds);
      }
      return seen;
    };
    const lazyRoots = [];
    for (const id of this.getModuleIds())
      lazyRoots.push(...(this.getModuleInfo(id)?.dynamicallyImportedIds ?? []));
    const lazy = reach(lazyRoots);
    const nameOf = (file) => relative(dist, file).replace(/\.js$/, '').replaceAll('/', '-');
    const closures = (files) => files.map((file) => ({ file, modules: reach([join(dist, file)]) }));
    const starts = closures(startEntries);
    const exported = closures([...exportedEntries]);
    const startFiles = new Set(startEntries.map((file) => join(dist, file)));
    /** Start entries (joined) → the chunk of the modules exactly they reach; its number of users. */
    const groupOfUsers = new Map();
    const userCount = new Map();
    for (const id of [...lazy].sort()) {
      // A start entry's own module stays in its file (what loads it imports its public names).
      if (startFiles.has(id)) continue;
      const users = starts.filter(({ modules }) => modules.has(id)).map(({ file }) => file);
      if (users.length > 0) {
        const key = users.join(' ');
        if (!groupOfUsers.has(key)) groupOfUsers.set(key, nameOf(id));
        sharedGroupOf.set(id, groupOfUsers.get(key));
        userCount.set(groupOfUsers.get(key), users.length);
        continue;
      }
      // Reached by the package's exports only: the first export's one shared chunk.
      const owner = exported.find(({ modules }) => modules.has(id));
      if (owner) sharedGroupOf.set(id, `${nameOf(join(dist, owner.file))}-shared`);
    }
    const count = (group) => userCount.get(group) ?? 0;
    sharedGroupNames.push(
      ...[...new Set(sharedGroupOf.values())].sort((first, second) => count(second) - count(first)),
    );
  },
};

// An exported entry that imports another exported entry (cache-keyring's `./lazy` takes its
// code from `.`) keeps that import of the other entry's file instead of sharing a chunk with
// it: each stays one file, and a process that imports one entry loads one module of the
// package (a module costs its own resolution, compilation and ~30-100 KB of young-generation
// allocation in a new process; bench/RESULTS.md "Keyring cache hit and the single executable").
const entryFiles = new Set([...exportedEntries].map((file) => join(dist, file)));
const entriesImportEntries = {
  name: 'entries-import-entries',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.') || !entryFiles.has(importer)) return null;
    const target = resolve(dirname(importer), source);
    // The output mirrors dist/, so the import's text stays right.
    return target !== importer && entryFiles.has(target) ? { id: source, external: true } : null;
  },
};

/**
 * A package without a bin: each exported entry is one file with everything it imports statically,
 * and its lazily loaded chunks are a build of their own that takes from the entry what the entry
 * exports (`import { OidcflowError } from '../index.js'`) and carries its own copy of the other
 * modules of the entry it needs — stateless ones only (scripts/lazy-side.mjs fails the build
 * otherwise; conformance/test/lazy-side.test.ts). A new process that answers from the cache then
 * loads one file of core instead of the entry and a shared chunk. Measured, the same core code
 * in the two layouts (two files → one), CPU ms: importing core in a new process (phase marks,
 * medians of 40 runs) 4.20 → 3.64 on Node 20, 4.24 → 2.95 on Node 24 (of which ≈ 0.5 ms shows up
 * again in the first hit there); whole new processes (bench/side-by-side.mjs, 60 interleaved
 * rounds, load 11–17), Node 20 / 24: a program's cached token 35.9 → 35.4 / 34.5 → 33.8, importing
 * core 30.6 → 29.4 / 27.0 → 26.6, `oidcflow token --cache file` 38.0 → 37.1 / 35.3 → 34.2.
 */
async function entriesWithTheirLazySide() {
  const sharing = [...exportedEntries].filter((file) => !standaloneEntries.has(file));
  const entries = sharing.map((file) => join(dist, file));
  const { lazyRoots, fromEntry, copiesApart } = planLazySide(entries);
  // Each lazily loaded module is a chunk's entry, named after its file (and folder, when two
  // files share a name).
  const names = new Map();
  for (const file of lazyRoots) {
    const short = basename(file, '.js');
    const taken = [...lazyRoots].some((other) => other !== file && basename(other, '.js') === short);
    names.set(taken ? relative(dist, file).replace(/\.js$/, '').replaceAll('/', '-') : short, file);
  }
  const lazyBundle =
    lazyRoots.size === 0
      ? { output: [] }
      : await build({
          input: Object.fromEntries(names),
          platform: 'node',
          external,
          logLevel: 'warn',
          // The chunks' exports are the package's own business: only the entries are public.
          preserveEntrySignatures: 'allow-extension',
          write: false,
          plugins: [
            {
              name: 'entry-names-for-lazy-chunks',
              // `import { terminalText } from '../errors/terminal-text.js'` becomes an import of
              // the entry's public name, `… from '/…/dist/index.js'`, external to this build.
              transform(code, id) {
                const edits = importsFromEntry(code, id);
                if (edits.length === 0) return null;
                let text = code;
                for (const { start, end, replacement } of edits.reverse())
                  text = text.slice(0, start) + replacement + text.slice(end);
                return { code: text, map: null };
              },
              resolveId(source) {
                return entries.includes(source) ? { id: source, external: 'relative' } : null;
              },
            },
          ],
          output: {
            ...outputOptions,
            entryFileNames: 'chunks/[name]-[hash].js',
            // The copies of the entry's modules that chunks loading different things share: one
            // file (≈ 5 KB for core), not one per module, for the process that goes on to a login.
            codeSplitting: { groups: [{ name: 'entry-copies', test: (id) => copiesApart.has(id) }] },
          },
        });
  /** The import declarations of `code` that take an entry's public names, rewritten to take them from the entry. */
  function importsFromEntry(code, id) {
    const edits = [];
    for (const node of parseAst(code, null, id).body) {
      const isImport = node.type === 'ImportDeclaration';
      if (!(isImport || (node.type === 'ExportNamedDeclaration' && node.source))) continue;
      if (!node.source.value.startsWith('.')) continue;
      const target = fromEntry.get(resolve(dirname(id), node.source.value));
      if (!target) continue;
      const nameOf = (identifier) => identifier.name ?? identifier.value;
      const list = node.specifiers.map((specifier) => {
        if (!isImport) return `${target.names.get(nameOf(specifier.local))} as ${nameOf(specifier.exported)}`;
        const own = specifier.type === 'ImportDefaultSpecifier' ? 'default' : nameOf(specifier.imported);
        return `${target.names.get(own)} as ${specifier.local.name}`;
      });
      const keyword = isImport ? 'import' : 'export';
      const replacement =
        list.length === 0 ? '' : `${keyword} { ${list.join(', ')} } from ${JSON.stringify(target.entry)};`;
      edits.push({ start: node.start, end: node.end, replacement });
    }
    return edits;
  }
  /** A lazily loaded module → its chunk's file. */
  const chunkOf = new Map(
    lazyBundle.output
      .filter((item) => item.type === 'chunk' && item.isEntry)
      .map((item) => [item.facadeModuleId, join(dist, item.fileName)]),
  );
  const standalone = await Promise.all(
    [...standaloneEntries].map((file) =>
      build({
        input: inputOf([file]),
        platform: 'node',
        external,
        logLevel: 'warn',
        preserveEntrySignatures: 'strict',
        write: false,
        output: outputOptions,
      }),
    ),
  );
  for (const { output } of standalone)
    if (output.filter((item) => item.type === 'chunk').length > 1)
      throw new Error(`${output[0].fileName}, inlined by another package, loads chunks of its own`);
  const entryBundle = await build({
    input: inputOf(sharing),
    platform: 'node',
    external,
    logLevel: 'warn',
    preserveEntrySignatures: 'strict',
    write: false,
    plugins: [
      entriesImportEntries,
      {
        name: 'lazy-chunks-of-their-own',
        resolveDynamicImport(source, importer) {
          if (typeof source !== 'string' || !source.startsWith('.') || !importer) return null;
          const chunk = chunkOf.get(resolve(dirname(importer), source));
          return chunk ? { id: chunk, external: 'relative' } : null;
        },
      },
    ],
    output: outputOptions,
  });
  return {
    output: [...entryBundle.output, ...lazyBundle.output, ...standalone.flatMap(({ output }) => output)],
  };
}

// Bundle into memory first: the inputs are the files about to be replaced. The groups are named
// once the module graph is known (buildEnd above), one place per possible group, in that order.
const bundle =
  binTargets.size === 0
    ? await entriesWithTheirLazySide()
    : await build({
        input: inputOf(new Set(packageEntries)),
        platform: 'node',
        external,
        logLevel: 'warn',
        preserveEntrySignatures: 'strict',
        write: false,
        plugins: [entriesImportEntries, sharedGroups],
        output: {
          ...outputOptions,
          codeSplitting: {
            groups: compiled.map((_, place) => ({
              debugName: `shared chunk ${place}`,
              name: (id) =>
                sharedGroupOf.get(id) === sharedGroupNames[place] ? sharedGroupNames[place] : null,
              priority: compiled.length - place,
            })),
          },
        },
      });

await Promise.all(compiled.map((file) => rm(file, { force: true })));
await rm(join(dist, 'chunks'), { recursive: true, force: true });
for (const item of [...binBundle.output, ...bundle.output]) {
  const target = join(dist, item.fileName);
  await mkdir(join(target, '..'), { recursive: true });
  await writeFile(target, item.type === 'chunk' ? item.code : item.source);
  if (item.type === 'chunk' && item.map) await writeFile(`${target}.map`, item.map.toString());
}
