// node sea-train-code-cache.cjs <main-script> <chunk-directory> <runs-json>
//
// Makes the V8 code cache of each chunk of the single executable (scripts/build-binary.mjs) after
// running the executable's own main script (scripts/sea-main.cjs) on the given runs — each a list
// of arguments, e.g. `oidcflow token …` on a warm cache — so that the caches hold the functions
// those runs compile, not only each chunk's top level. Run by the Node binary that becomes the
// executable (a cache is valid for one V8 version and set of flags), with no flags.
//
// The main script runs unchanged, with a `require` whose `node:sea` reads the chunks from
// <chunk-directory> and whose `node:vm` keeps one Script per chunk across the runs. A run must
// end in `process.exit(0)` (a hit answers and exits): anything else fails the build. Chunks no
// run loaded get a cache made without running, as before. Writes <chunk>.cache beside each chunk
// and prints one line per run's outcome on stderr.
'use strict';

const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const [mainScript, chunkDirectory, runsJson] = process.argv.slice(2);
const runs = JSON.parse(runsJson);

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
const sea = {
  isSea: () => false,
  // A chunk's text (its code cache is what this script makes: none is given).
  getRawAsset: (key) => {
    if (!key.startsWith('chunk:')) return new ArrayBuffer(0);
    const bytes = readFileSync(join(chunkDirectory, key.slice('chunk:'.length)));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  },
};
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

nextRun();
