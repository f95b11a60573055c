// Loads @napi-rs/keyring's native binding the cheap way. Importing its CommonJS entry from an
// ES module makes Node scan it for exports with cjs-module-lexer, a WebAssembly module compiled
// on first use: 30–50 ms of a new process (measured with strace -f -tt and --cpu-prof; see
// bench/RESULTS.md), more than everything else of a cache hit. Its loader then reads /usr/bin/ldd
// to tell glibc from musl. Here the prebuilt `.node` file beside it is opened directly
// (process.dlopen, < 1 ms); where that is not possible the package's own loader runs, through
// `require`, which needs no lexer. Inside the single executable (scripts/build-binary.mjs) the
// binding is an asset of the executable, unpacked once (see sea-binding.ts).
import type * as KeyringBinding from '@napi-rs/keyring';
import { seaKeyringBinding } from './sea-binding.js';

export type Binding = typeof KeyringBinding;

const PACKAGE = '@napi-rs/keyring';

/** The prebuilt package's suffix for this platform (glibc on Linux: musl loads through the package's loader). */
function prebuiltTriple(): string | undefined {
  const { platform, arch } = process;
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return `linux-${arch}-gnu`;
  if (platform === 'darwin' && (arch === 'x64' || arch === 'arm64')) return `darwin-${arch}`;
  if (platform === 'win32' && (arch === 'x64' || arch === 'arm64')) return `win32-${arch}-msvc`;
  return undefined;
}

/**
 * The directory of @napi-rs/keyring as Node's resolver would find it from this file, looked up
 * the way the resolver walks (this package's own node_modules, then the ones above it, up to the
 * node_modules this package is installed in: npm's flat layout, pnpm's virtual store, a
 * workspace), with one access(2) each. The speed device: in a new process, after core and the
 * file cache are loaded, `import.meta.resolve` takes 0.71–0.83 ms (Node 20) / 0.45 ms (Node 24)
 * and this 0.20–0.22 / 0.15 ms (medians of 21 runs, hrtime, npm's layout, 2026-12-07). Anything else (NODE_PATH, a loader hook, a layout not
 * listed) finds nothing here and is left to `import.meta.resolve`.
 */
function installedPackageDirectory(): string | undefined {
  // Windows: pnpm's links are junctions, and `..` after one is not resolved through it.
  if (process.platform === 'win32') return undefined;
  const { existsSync } = process.getBuiltinModule('node:fs');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  // dist/<this file> → the package directory (…/@oidcflow/cache-keyring or packages/cache-keyring).
  const here = fileURLToPath(new URL('..', import.meta.url));
  for (const nodeModules of [`${here}node_modules`, `${here}../node_modules`, `${here}../..`]) {
    const directory = `${nodeModules}/${PACKAGE}`;
    if (existsSync(`${directory}/package.json`)) return directory;
  }
  return undefined;
}

/** The prebuilt file beside the package (npm and pnpm both install it as a sibling), opened directly. */
function openPrebuilt(): Binding | undefined {
  const triple = prebuiltTriple();
  // The package's own loader honours these; leave them to it.
  if (!triple || process.env.NAPI_RS_NATIVE_LIBRARY_PATH || process.env.NAPI_RS_FORCE_WASI) return undefined;
  try {
    const directory =
      installedPackageDirectory() ??
      process
        .getBuiltinModule('node:path')
        .dirname(process.getBuiltinModule('node:url').fileURLToPath(import.meta.resolve(PACKAGE)));
    // `<package>/..` is resolved by the kernel, after the symbolic link pnpm makes of the
    // package: the prebuilt package is its sibling in the real directory (npm: the same place).
    const module = { exports: {} as Binding };
    process.dlopen(module, `${directory}/../keyring-${triple}/keyring.${triple}.node`);
    return typeof module.exports.AsyncEntry === 'function' ? module.exports : undefined;
  } catch {
    // Not there, another libc, or a loader hook: the package's loader knows every case.
    return undefined;
  }
}

let loaded: Binding | undefined;

/** The binding; throws (as the package's loader does) where no prebuilt binary fits this platform. */
export function loadKeyringBinding(): Binding {
  loaded ??=
    seaKeyringBinding() ??
    openPrebuilt() ??
    (process.getBuiltinModule('node:module').createRequire(import.meta.url)(PACKAGE) as Binding);
  return loaded;
}
