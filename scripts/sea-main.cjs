// The single executable's main script (scripts/build-binary.mjs puts it in the preparation blob).
// The CLI itself is not here: the bundle's entry (`oidcflow.cjs`) and every chunk it loads are
// assets of the executable, each with a V8 code cache made at build time *after* the build ran
// `oidcflow token` on a warm cache with them (scripts/sea-train-code-cache.cjs), so the cache holds
// the functions a hit runs, compiled, and not only the top level (a cache made without running
// holds no function that V8 compiles lazily; a hit then compiles each from source).
//
// `require('./<chunk>')` compiles the chunk from its asset with that cache, runs it once as
// Node runs a CommonJS module, and keeps its exports; anything else is a built-in, which is all a
// single executable's own `require` reaches. V8 checks that a cache fits (its version, flags and
// the source) and compiles without it when not: NODE_DEBUG=oidcflow-sea names such a chunk on
// stderr (the build checks that none is).
'use strict';

const builtin = require;
const sea = builtin('node:sea');
const { Script } = builtin('node:vm');

/** The text around a chunk, as Node wraps a CommonJS module; the build makes the caches of the same text. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

const loaded = Object.create(null);

function load(name) {
  const cached = loaded[name];
  if (cached) return cached.exports;
  const chunk = { exports: {} };
  loaded[name] = chunk;
  // Decoded by Buffer: sea.getAsset(key, 'utf8') loads TextDecoder for it (about 0.2 ms).
  const source = Buffer.from(sea.getRawAsset(`chunk:${name}`)).toString('utf8');
  const script = new Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
    filename: name,
    cachedData: Buffer.from(sea.getRawAsset(`chunk-cache:${name}`)),
  });
  if (script.cachedDataRejected)
    builtin('node:util').debuglog('oidcflow-sea')(
      'the code cache of %s was rejected; compiled from source',
      name,
    );
  script.runInThisContext().call(chunk.exports, chunk.exports, chunkRequire, chunk, __filename, __dirname);
  return chunk.exports;
}

function chunkRequire(id) {
  return id.startsWith('./') ? load(id.slice(2)) : builtin(id);
}

load('oidcflow.cjs');
