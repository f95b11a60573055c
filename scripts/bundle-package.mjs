#!/usr/bin/env node
// Runs after `tsc` in a package's build: bundles each entry of its `exports` map (dist/*.js as
// tsc wrote them) into one file, with the parts loaded by `import()` split into dist/chunks/.
// A cache hit then loads one file per package instead of dozens: Node's cost for a new process
// grows with the number of module files. Other packages and Node built-ins stay external;
// tsc's .d.ts files stay as they are. Usage: node ../../scripts/bundle-package.mjs (in a package).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'rolldown';

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
};
// Only this package's own files go in; every package (and node:*) is imported at run time.
const external = (id) => !id.startsWith('.') && !id.startsWith('/');

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
// The modules an entry shares with the chunks it loads later go into one chunk
// (`chunks/<entry>-shared-<hash>.js`) that both import; the rest of what it loads statically
// stays in the entry file. A warm cache hit then loads two files of core and one of the file
// cache. Measured, CPU time to import core and the file cache in a new process (median of 50
// interleaved runs, Node 20, load 35): 9.6 ms with the shared modules merged into the entry,
// which then exported them as `a`, `c`, … (`allow-extension`, before); 10.4 ms now.
//
// A command's start is laid out by what each start path runs: the modules the entries its bin
// loads (the full CLI's `main`, the warm path's helpers) share with lazily loaded chunks are
// grouped by which of those entries reach them, and named after the first module of the group.
// `oidcflow --version` then loads the parser and the option table but not core (which the CLI's
// index reaches through its token formats), and kubectl's warm `exec-credential` loads the token
// formats but not the parser.
const exportedEntries = distTargets(manifest.exports);
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

// Bundle into memory first: the inputs are the files about to be replaced. The groups are named
// once the module graph is known (buildEnd above), one place per possible group, in that order.
const bundle = await build({
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
        name: (id) => (sharedGroupOf.get(id) === sharedGroupNames[place] ? sharedGroupNames[place] : null),
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
