#!/usr/bin/env node
// pnpm build:binary [--node PATH] [--out DIR] [--keep-work]
//                   [--codesign-identity ID (macOS)] [--signtool-args ARGS (Windows)]
//
// Builds `oidcflow` as one executable file with Node's single executable applications (SEA):
// the CLI and the packages it loads (core, the flows, both caches) bundled into CommonJS chunks
// (rolldown, from the CLI's TypeScript), each an asset with a V8 code cache trained on a warm
// `oidcflow token` (scripts/sea-train-code-cache.cjs), loaded by a small main script
// (scripts/sea-main.cjs), and the keyring cache's native binding as an asset (unpacked once into the user's cache directory, checked by its
// SHA-256: packages/cache-keyring/src/sea-binding.ts), injected into a copy of a Node 24+
// binary with postject. Then the release layout:
//
//   release/oidcflow-<version>-<os>-<arch>/oidcflow          the executable (oidcflow.exe on Windows)
//   release/oidcflow-<version>-<os>-<arch>.tar.gz            that directory (.zip on Windows)
//   release/SHA256SUMS                                        sha256sum format, for both
//
// which packaging/ (Homebrew formula, krew plugin manifest, winget manifest) points to.
// `oidcflow dev-idp` is not in the executable (it needs @oidcflow/test-idp and oidc-provider).
//
// The Node binary that becomes the executable is the one running this script, or --node; it
// must be Node 24 or newer (`npm i --prefix /opt/node24 node@24`). The executable is built for
// the platform it runs on: run this on Linux, macOS or Windows for each. Linux x64 is what this
// repository's CI builds and tests (.ci/run); the macOS branch (codesign) and the Windows branch
// (signtool) are written but not run here (docs/binary.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages', 'cli');
/** The postject sentinel every SEA-capable Node binary carries (Node's documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const { values } = parseArgs({
  options: {
    node: { type: 'string' },
    out: { type: 'string', default: join(root, 'release') },
    // macOS: the identity codesign signs with (default: ad hoc); Windows: signtool sign's arguments.
    'codesign-identity': { type: 'string', default: '-' },
    'signtool-args': { type: 'string' },
    // Keep the bundle, blob and config in <out>/.work (for looking at what went in).
    'keep-work': { type: 'boolean', default: false },
  },
});

function fail(message) {
  console.error(`build-binary: ${message}`);
  process.exit(1);
}

const node = values.node ?? process.execPath;
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
if (Number(/^v(\d+)/.exec(nodeVersion)?.[1] ?? 0) < 24) {
  fail(
    `${node} is Node ${nodeVersion}; the executable needs Node 24 or newer. Run this script with it, ` +
      'or pass --node (npm i --prefix /opt/node24 node@24 gives /opt/node24/node_modules/node/bin/node).',
  );
}
const os =
  { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform] ??
  fail(`no build for ${process.platform}`);
const arch = process.arch;
const version = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8')).version;
const name = `oidcflow-${version}-${os}-${arch}`;
const executableName = os === 'windows' ? 'oidcflow.exe' : 'oidcflow';
const work = join(values.out, '.work', name);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

/** What `import.meta.url` becomes in the bundle, and its value (the executable's file URL). */
const SCRIPT_URL = '__oidcflow_script_url';
const SCRIPT_URL_VALUE = "require('node:url').pathToFileURL(__filename).href";

// 1. One CommonJS script (a SEA's main script is CommonJS on Node 24), from the CLI's sources,
//    with the built packages it imports. plugin-modules.ts gives way to sea-plugin-modules.ts.
const pluginModules = join(cli, 'src', 'plugin-modules.ts');
const seaPluginModules = join(cli, 'src', 'sea-plugin-modules.ts');
const bundle = await build({
  input: join(cli, 'src', 'bin.ts'),
  platform: 'node',
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  // Not in the executable: the test IdP (dev-idp says how to get it) and the keyring binding's
  // JavaScript loader (the executable opens the binding from its asset).
  external: ['@napi-rs/keyring'],
  plugins: [
    {
      // The test IdP: a module that fails as Node fails on a package that is not installed (a
      // chunk cannot import() what is outside the executable), so dev-idp says how to get it.
      name: 'oidcflow-sea-no-test-idp',
      resolveId(id) {
        return id === '@oidcflow/test-idp' ? '\0oidcflow-no-test-idp' : null;
      },
      load(id) {
        if (id !== '\0oidcflow-no-test-idp') return null;
        return `throw Object.assign(new Error("Cannot find package '@oidcflow/test-idp': the oidcflow executable does not contain it"), { code: 'ERR_MODULE_NOT_FOUND' });`;
      },
    },
    {
      // bin.ts turns on Node's module compile cache (node:module's enableCompileCache), which
      // keeps what Node's loaders compile from files: the executable's chunks come from assets
      // with code caches of their own, so it only costs node:module, node:os and a mkdir in
      // the temporary directory on every start (about 0.5 ms, --cpu-prof and strace).
      name: 'oidcflow-sea-no-compile-cache',
      transform(code, id) {
        if (id !== join(cli, 'src', 'bin.ts')) return null;
        const enable =
          "if (hasCompileCache)\n  (process.getBuiltinModule('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();";
        if (!code.includes(enable))
          fail('packages/cli/src/bin.ts no longer enables the compile cache as this script expects');
        return code.replace(enable, '');
      },
    },
    {
      // The version comes from package.json at run time (createRequire), which a single
      // executable cannot read: it is written into the script instead.
      name: 'oidcflow-sea-version',
      transform(code, id) {
        if (id !== join(cli, 'src', 'main.ts')) return null;
        const read = "(createRequire(import.meta.url)('@oidcflow/cli/package.json') as { version: string })";
        if (!code.includes(read))
          fail('packages/cli/src/main.ts no longer reads its version as this script expects');
        return code.replace(read, JSON.stringify({ version }));
      },
    },
    {
      // Built packages that load another workspace package with `createRequire(...)(name)` at
      // run time (cache-file takes core that way): a single executable's require reaches only
      // built-ins, so the package is imported statically into the bundle instead.
      name: 'oidcflow-sea-static-requires',
      transform(code, id) {
        if (!id.includes('/packages/') || !id.includes('/dist/')) return null;
        const pattern =
          /process\.getBuiltinModule\(`node:module`\)\.createRequire\(import\.meta\.url\)\(`(@oidcflow\/[a-z-]+)`\)/g;
        const names = [...new Set([...code.matchAll(pattern)].map((match) => match[1]))];
        if (names.length === 0) return null;
        const local = (name) => `__oidcflow_${name.slice('@oidcflow/'.length).replace(/-/g, '_')}`;
        const imports = names.map((name) => `import * as ${local(name)} from '${name}';`).join('');
        return imports + code.replace(pattern, (_, name) => local(name));
      },
    },
    {
      // qrcode-terminal (the device flow's QR code) writes its colours as octal escapes ("\033"),
      // which the bundler's parser refuses: the same characters as hexadecimal escapes.
      name: 'oidcflow-sea-octal-escapes',
      transform(code, id) {
        if (!id.includes('/qrcode-terminal/')) return null;
        return code.replace(
          /\\0([0-7]{2})/g,
          (_, octal) => `\\x${Number.parseInt(octal, 8).toString(16).padStart(2, '0')}`,
        );
      },
    },
    {
      name: 'oidcflow-sea-plugin-modules',
      load(id) {
        return id === pluginModules ? readFileSync(seaPluginModules, 'utf8') : null;
      },
    },
  ],
  logLevel: 'warn',
  write: false,
  output: {
    format: 'cjs',
    // Split where the sources load lazily: the entry (oidcflow.cjs) holds bin and the warm path;
    // every lazily loaded part (core, the full CLI, the flows, openid-client, both caches) is
    // a chunk. Each is stored as an asset with its own V8 code cache and compiled only when a
    // run reaches it (scripts/sea-main.cjs). A start costs what it compiles: the whole bundle in
    // one script made a warm `token` 2.4× `node -e ""`.
    // The sources are ES modules, strict everywhere; rolldown's CommonJS output keeps only the
    // directives it finds (none in an ES module), and a chunk would run sloppy without this.
    strict: true,
    codeSplitting: true,
    entryFileNames: 'oidcflow.cjs',
    chunkFileNames: '[name]-[hash].cjs',
    // Whitespace and comments out; names kept (error classes are told apart by name, and stack
    // traces stay readable).
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  },
  // OIDCFLOW_EXECUTABLE_BUILD: the keyring cache opens its binding from the executable's asset
  // (packages/cache-keyring/src/sea-binding.ts).
  transform: { define: { 'import.meta.url': SCRIPT_URL, OIDCFLOW_EXECUTABLE_BUILD: 'true' } },
});
const chunks = bundle.output.filter((item) => item.type === 'chunk');
if (!chunks.some((chunk) => chunk.isEntry && chunk.fileName === 'oidcflow.cjs'))
  fail('rolldown produced no oidcflow.cjs');
if (chunks.some((chunk) => /\bimport\.meta\b/.test(chunk.code)))
  fail('the bundle still uses import.meta, which a CommonJS script cannot');
if (chunks.some((chunk) => chunk.code.includes('OIDCFLOW_EXECUTABLE_BUILD')))
  fail('OIDCFLOW_EXECUTABLE_BUILD was not defined: the keyring cache would not open the binding asset');
if (chunks.some((chunk) => /\bimport\(\s*["'`]\.\//.test(chunk.code)))
  fail('a chunk is loaded with import(), which the executable cannot answer');
if (!chunks.some((chunk) => chunk.code.includes('the oidcflow executable does not contain it')))
  fail('packages/cli/src/sea-plugin-modules.ts did not replace plugin-modules.ts');
// Every chunk, the entry (`oidcflow.cjs`) included, is an asset with its V8 code cache; the main
// script of the executable is scripts/sea-main.cjs, which loads them.
const mainScript = join(root, 'scripts', 'sea-main.cjs');
const chunkDirectory = join(work, 'chunks');
mkdirSync(chunkDirectory, { recursive: true });
const chunkAssets = {};
for (const chunk of chunks) {
  const file = join(chunkDirectory, chunk.fileName);
  // bin.ts's `#!/usr/bin/env node`: a chunk is compiled inside a function, where it cannot stand.
  const code = chunk.code.replace(/^#!.*\n/, '');
  // import.meta.url stands for the script's own URL, defined only in the chunks that use it
  // (pathToFileURL on every chunk's start was about 0.2 ms of a hit), after the chunk's
  // "use strict" (a directive counts only first).
  const strict = '"use strict";';
  if (!code.startsWith(strict)) fail(`chunk ${chunk.fileName} does not start with ${strict}`);
  const body = code.slice(strict.length);
  writeFileSync(
    file,
    strict + (body.includes(SCRIPT_URL) ? `var ${SCRIPT_URL} = ${SCRIPT_URL_VALUE};${body}` : body),
  );
  chunkAssets[`chunk:${chunk.fileName}`] = file;
  chunkAssets[`chunk-cache:${chunk.fileName}`] = `${file}.cache`;
}
// The code caches, made by the Node that becomes the executable (a cache is valid for one V8
// version and set of flags) after running the main script on warm-cache hits
// (scripts/sea-train-code-cache.cjs): a cache made without running holds only each chunk's top
// level, and a hit then compiles every function it calls from source. Measured (main-thread CPU
// of the main script, Node 24.21, docs/binary.md "Speed"): a `--cache file` hit 8.5 → 7.0 ms
// with the file runs, a keyring hit 7.9 → 6.0 ms with the keyring run added.
const keyringChunk = chunks.filter((chunk) => chunk.code.includes('exports.createKeyringCache='));
if (keyringChunk.length !== 1) fail('no single chunk of the bundle exports createKeyringCache');
const training = await trainingRuns(keyringChunk[0].fileName);
process.on('exit', () => rmSync(training.directory, { recursive: true, force: true }));
const train = (spec) =>
  execFileSync(
    node,
    [
      join(root, 'scripts', 'sea-train-code-cache.cjs'),
      JSON.stringify({ mainScript, chunkDirectory, keyringStore: training.keyringStore, ...spec }),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: training.env, timeout: 120_000 },
  );
train({ runs: [], setup: training.setup });
train({ runs: training.runs });

/**
 * What the code caches are trained on: `oidcflow token` from a warm file cache, printing the
 * token and kubectl's ExecCredential, and from a warm keyring cache (the CLI's default cache;
 * its native binding is a stand-in there, scripts/sea-train-keyring-binding.cjs, so a build
 * needs no Secret Service). The entry is the bench's (bench/lib/warm-entry.mjs), with ID token
 * claims, for an issuer that cannot resolve: a run that misses fails instead of training on a
 * login. `checks` are what the built executable runs to show its caches are accepted: the file
 * runs, and on Linux `auto` with no D-Bus (the keyring cache's chunk loads, the file cache
 * answers).
 */
async function trainingRuns(keyringChunkName) {
  const directory = mkdtempSync(join(tmpdir(), 'oidcflow-sea-train-'));
  const options = { issuer: 'https://idp.invalid', clientId: 'oidcflow-build', scopes: ['openid'] };
  const importBuilt = (name) => import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href);
  const [{ cacheKeyFor }, { createFileCache }, { warmEntry }] = await Promise.all([
    importBuilt('core'),
    importBuilt('cache-file'),
    import(pathToFileURL(join(root, 'bench', 'lib', 'warm-entry.mjs')).href),
  ]);
  const now = Date.now();
  const entry = warmEntry(options.issuer, now);
  // kubectl's answer is the ID token, judged by the claims kept beside it.
  const seconds = Math.floor(now / 1000);
  entry.tokens.idTokenClaims = { iss: options.issuer, sub: 'build', iat: seconds, exp: seconds + 86_400 };
  const key = cacheKeyFor({ ...options, family: 'user' });
  const fileCachePath = join(directory, 'file-cache');
  await createFileCache({ cachePath: fileCachePath }).set(key, entry);
  const keyringCachePath = join(directory, 'keyring-cache');
  // The session bus is asked for only through the stand-in binding: a file where its socket would be.
  const bus = join(directory, 'bus');
  writeFileSync(bus, '');
  const token = ['token', '--issuer', options.issuer, '--client-id', options.clientId, '--scope', 'openid'];
  const fileRuns = [
    [...token, '--cache-path', fileCachePath, '--cache', 'file'],
    [...token, '--cache-path', fileCachePath, '--cache', 'file', '--output', 'exec-credential'],
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: directory,
    KUBERNETES_EXEC_INFO: JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    }),
  };
  return {
    directory,
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus}` },
    keyringStore: join(directory, 'keyring-store.json'),
    setup: { chunk: keyringChunkName, cachePath: keyringCachePath, key, entry },
    runs: [...fileRuns, [...token, '--cache-path', keyringCachePath]],
    checks: [
      ...fileRuns.map((args) => ({ args, env })),
      // Linux only: elsewhere `auto` would ask the real OS keyring (the Keychain, Windows
      // Credential Manager) and create a data key there.
      ...(os === 'linux'
        ? [
            {
              args: [...token, '--cache-path', fileCachePath, '--cache', 'auto'],
              env: { ...env, XDG_RUNTIME_DIR: join(directory, 'no-runtime-directory') },
            },
          ]
        : []),
    ],
  };
}

// 2. The keyring binding for this platform, and its SHA-256, as assets.
const keyringPackage = dirname(
  createRequire(join(root, 'packages', 'cache-keyring', 'package.json')).resolve(
    '@napi-rs/keyring/package.json',
  ),
);
const triple = {
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'windows-x64': 'win32-x64-msvc',
  'windows-arm64': 'win32-arm64-msvc',
}[`${os}-${arch}`];
const binding = triple && join(keyringPackage, '..', `keyring-${triple}`, `keyring.${triple}.node`);
if (!binding || !existsSync(binding))
  fail(`no prebuilt keyring binding for ${os}-${arch} (looked for ${binding})`);
const bindingHash = createHash('sha256').update(readFileSync(binding)).digest('hex');
writeFileSync(join(work, 'keyring.node.sha256'), `${bindingHash}\n`);

// 3. The preparation blob: the script, its code cache, the assets.
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify(
    {
      main: mainScript,
      output: join(work, 'sea-prep.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: {
        'keyring.node': binding,
        'keyring.node.sha256': join(work, 'keyring.node.sha256'),
        ...chunkAssets,
      },
    },
    null,
    2,
  ),
);
execFileSync(node, ['--experimental-sea-config', config], { stdio: 'inherit' });

// 4. A copy of the Node binary with the blob injected.
const directory = join(values.out, name);
rmSync(directory, { recursive: true, force: true });
mkdirSync(directory, { recursive: true });
const executable = join(directory, executableName);
copyFileSync(node, executable);
chmodSync(executable, 0o755);
const postject = join(root, 'node_modules', '.bin', os === 'windows' ? 'postject.cmd' : 'postject');
const inject = [executable, 'NODE_SEA_BLOB', join(work, 'sea-prep.blob'), '--sentinel-fuse', SEA_FUSE];
const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: os === 'windows' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
};
if (os === 'darwin') {
  // Not run here: the copied binary's signature must go before injection, and an ad-hoc one
  // (or your Developer ID) must come after, or macOS refuses to start it.
  run('codesign', ['--remove-signature', executable]);
  run(postject, [...inject, '--macho-segment-name', 'NODE_SEA']);
  run('codesign', ['--sign', values['codesign-identity'], executable]);
} else if (os === 'windows') {
  // Not run here: signtool (Windows SDK) removes Node's signature; sign the result with yours.
  if (spawnSync('signtool', ['remove', '/s', executable], { stdio: 'inherit', shell: true }).status !== 0)
    console.error(
      'build-binary: signtool not found; the executable keeps an invalid Node signature until you sign it',
    );
  run(postject, inject);
  if (values['signtool-args']) run('signtool', ['sign', ...values['signtool-args'].split(' '), executable]);
} else {
  run(postject, inject);
}

// 5. It runs, and it is the CLI: --version and --help answer without Node on PATH.
const check = spawnSync(executable, ['--help'], { encoding: 'utf8', env: { PATH: '' } });
if (check.status !== 0 || !check.stdout.includes('oidcflow'))
  fail(`the executable does not run: ${check.stderr}`);
// And a trained run answers from the cache with every chunk's code cache accepted (V8 compiles
// without a cache that does not fit, silently: NODE_DEBUG=oidcflow-sea names it).
for (const { args, env } of training.checks) {
  const hit = spawnSync(executable, args, {
    encoding: 'utf8',
    env: { ...env, PATH: '', NODE_DEBUG: 'oidcflow-sea' },
  });
  if (hit.status !== 0 || !/fake-access|fake\.id/.test(hit.stdout) || hit.stderr.includes('OIDCFLOW-SEA'))
    fail(`the executable's ${args.join(' ')} does not answer from its code caches: ${hit.stderr}`);
}

// 6. The archive and the sums.
const archive = os === 'windows' ? `${name}.zip` : `${name}.tar.gz`;
rmSync(join(values.out, archive), { force: true });
if (os === 'windows')
  run('powershell', [
    '-Command',
    `Compress-Archive -Path '${directory}' -DestinationPath '${join(values.out, archive)}'`,
  ]);
else run('tar', ['-C', values.out, '-czf', join(values.out, archive), name]);
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sums = join(values.out, 'SHA256SUMS');
const kept = existsSync(sums)
  ? readFileSync(sums, 'utf8')
      .split('\n')
      .filter((line) => line && !line.endsWith(` ${archive}`) && !line.endsWith(` ${name}/${executableName}`))
  : [];
kept.push(
  `${sha256(join(values.out, archive))}  ${archive}`,
  `${sha256(executable)}  ${name}/${executableName}`,
);
writeFileSync(sums, `${kept.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join('\n')}\n`);
if (!values['keep-work']) rmSync(join(values.out, '.work'), { recursive: true, force: true });
console.log(`build-binary: ${executable} (${nodeVersion}), ${join(values.out, archive)}, ${sums}`);
