// node sea-train-code-cache.cjs <spec-json>
//   spec: { mainScript, chunkDirectory, runs: [[arg, ...], ...], keyringStore,
//           setup?: { chunk, cachePath, key, entry } }
//
// Makes the V8 code cache of each chunk of the single executable (scripts/build-binary.mjs) after
// running the executable's own main script (scripts/sea-main.cjs) on the given runs — each a list
// of arguments, e.g. `oidcflow token …` on a warm cache — so that the caches hold the functions
// those runs compile, not only each chunk's top level. Run by the Node binary that becomes the
// executable (a cache is valid for one V8 version and set of flags), with no flags.
//
// The main script runs unchanged, with a `require` whose `node:sea` reads the chunks from
// <chunkDirectory> and whose `node:vm` keeps one Script per chunk across the runs. A run must
// end in `process.exit(0)` (a hit answers and exits): anything else fails the build. Chunks no
// run loaded get a cache made without running, as before. Writes <chunk>.cache beside each chunk
// and prints one line per run's outcome on stderr.
//
// The keyring cache's native binding is scripts/sea-train-keyring-binding.cjs here (credentials
// in the file `keyringStore`), reached as in the executable: `node:sea` says it is one, the
// binding's asset is unpacked into $HOME/.cache/oidcflow/native and "opened" by process.dlopen.
// With `setup`, this process only writes `entry` under `key` into the keyring cache at
// `cachePath` through the bundle's own cache-keyring chunk (`chunk`) — the data key then in the
// stand-in's "Secret Service", its kernel keyring copy and the decode memo beside it — and makes
// no cache: the write path stays out of the caches the next process makes.
'use strict';

const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const trainingKeyringBinding = require('./sea-train-keyring-binding.cjs');

const { mainScript, chunkDirectory, runs, keyringStore, setup } = JSON.parse(process.argv[2]);

/** The binding asset's bytes here, and the SHA-256 the executable checks them against. */
const BINDING_BYTES = Buffer.from('oidcflow: stand-in keyring binding for training code caches\n');
const BINDING_HASH = createHash('sha256').update(BINDING_BYTES).digest('hex');

const arrayBufferOf = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
const sea = {
  isSea: () => true,
  // A chunk's text (its code cache is what this script makes: none is given), the binding.
  getRawAsset: (key) => {
    if (key === 'keyring.node') return arrayBufferOf(BINDING_BYTES);
    if (key === 'keyring.node.sha256') return arrayBufferOf(Buffer.from(`${BINDING_HASH}\n`));
    if (!key.startsWith('chunk:')) return new ArrayBuffer(0);
    return arrayBufferOf(readFileSync(join(chunkDirectory, key.slice('chunk:'.length))));
  },
};
const getBuiltinModule = process.getBuiltinModule.bind(process);
process.getBuiltinModule = (id) => (id === 'node:sea' ? sea : getBuiltinModule(id));
process.dlopen = (module) => {
  module.exports = trainingKeyringBinding(keyringStore);
};

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/** One compiled Script per chunk, whatever run compiles it first: later runs reuse its functions. */
const scripts = new Map();
/** Called with `new` by the main script; answers the chunk's one Script. */
function ChunkScript(source, options) {
  const known = scripts.get(options.filename);
  if (known) return known.script;
  const script = new vm.Script(source, { filename: options.filename });
  scripts.set(options.filename, { script, source });
  return script;
}
const trainingRequire = (id) => {
  if (id === 'node:sea') return sea;
  if (id === 'node:vm') return { ...vm, Script: ChunkScript };
  return require(id);
};

/** What the main script's process.exit throws here, so that one process runs every run. */
class RunEnded {
  constructor(code) {
    this.code = code;
  }
}
const exit = process.exit.bind(process);
process.exit = (code) => {
  throw new RunEnded(code ?? 0);
};

const main = new vm.Script(WRAPPER_HEAD + readFileSync(mainScript, 'utf8') + WRAPPER_TAIL, {
  filename: 'sea-main.cjs',
}).runInThisContext();

let current = -1;
function nextRun() {
  current += 1;
  if (current === runs.length) return finish();
  process.argv = [process.execPath, process.execPath, ...runs[current]];
  const module = { exports: {} };
  main.call(module.exports, module.exports, trainingRequire, module, process.execPath, __dirname);
}

function finish() {
  // Chunks no run reached: a cache of their top level, made without running them.
  for (const name of readdirSync(chunkDirectory)) {
    if (!name.endsWith('.cjs') || scripts.has(name)) continue;
    new ChunkScript(WRAPPER_HEAD + readFileSync(join(chunkDirectory, name), 'utf8') + WRAPPER_TAIL, {
      filename: name,
    });
  }
  for (const [name, { script }] of scripts)
    writeFileSync(join(chunkDirectory, `${name}.cache`), script.createCachedData());
  process.stderr.write(`sea-train-code-cache: ${scripts.size} code caches\n`);
}

// A hit ends with process.exit(0) inside the CLI's async main: its rejection arrives here.
process.on('unhandledRejection', (reason) => {
  if (!(reason instanceof RunEnded)) throw reason;
  process.stderr.write(
    `sea-train-code-cache: run ${current + 1} (${runs[current].join(' ')}) exited ${reason.code}\n`,
  );
  if (reason.code !== 0) exit(1);
  nextRun();
});
process.on('beforeExit', () => {
  if (current < runs.length) {
    process.stderr.write(`sea-train-code-cache: run ${current + 1} ended without process.exit\n`);
    exit(1);
  }
});

/** `setup`: the entry written through the bundle's cache-keyring chunk, read back. No cache made. */
async function writeKeyringEntry() {
  const loaded = new Map();
  const load = (name) => {
    // The entry runs the CLI when loaded: nothing cache-keyring needs is there.
    if (name === 'oidcflow.cjs') throw new Error('the cache-keyring chunk requires the entry');
    const known = loaded.get(name);
    if (known) return known.exports;
    const chunk = { exports: {} };
    loaded.set(name, chunk);
    const source = readFileSync(join(chunkDirectory, name), 'utf8');
    vm.runInThisContext(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: name }).call(
      chunk.exports,
      chunk.exports,
      (id) => (id.startsWith('./') ? load(id.slice(2)) : require(id)),
      chunk,
      process.execPath,
      __dirname,
    );
    return chunk.exports;
  };
  const { createKeyringCache } = load(setup.chunk);
  const cache = await createKeyringCache({ cachePath: setup.cachePath });
  await cache.set(setup.key, setup.entry);
  if (!(await cache.get(setup.key)))
    throw new Error('the keyring cache does not answer the entry it was given');
}

if (setup)
  writeKeyringEntry().then(
    () => exit(0),
    (error) => {
      process.stderr.write(`sea-train-code-cache: the keyring cache entry was not written: ${error.stack}\n`);
      exit(1);
    },
  );
else nextRun();
