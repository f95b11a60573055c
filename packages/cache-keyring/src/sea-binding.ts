// The keyring binding inside oidcflow's single executable (Node SEA, scripts/build-binary.mjs):
// the prebuilt `.node` file travels as an asset of the executable with its SHA-256 beside it.
// A native addon can only be opened from a file, so it is written once into the user's cache
// directory under a name carrying that hash, checked against it when written, and opened from
// there by every later run after one stat (owner and mode: a file another user could have
// replaced is written again; code running as the user could replace the executable itself).
import type * as KeyringBinding from '@napi-rs/keyring';

type Binding = typeof KeyringBinding;

/** Asset names the build script uses (scripts/build-binary.mjs). */
export const SEA_BINDING_ASSET = 'keyring.node';
export const SEA_BINDING_HASH_ASSET = 'keyring.node.sha256';

interface SeaModule {
  isSea(): boolean;
  getRawAsset(key: string): ArrayBuffer;
}

function cacheRoot(): string {
  const { env } = process;
  const { join } = process.getBuiltinModule('node:path');
  // POSIX: $HOME, which os.homedir() itself reads first: node:os is not loaded on a hit otherwise
  // (its first load is 0.15 ms inside the executable).
  const home = () =>
    (process.platform !== 'win32' && env.HOME) || process.getBuiltinModule('node:os').homedir();
  if (process.platform === 'win32')
    return join(env.LOCALAPPDATA || join(home(), 'AppData', 'Local'), 'oidcflow', 'Cache');
  if (process.platform === 'darwin') return join(home(), 'Library', 'Caches', 'oidcflow');
  return join(env.XDG_CACHE_HOME || join(home(), '.cache'), 'oidcflow');
}

/** Owned by this user and writable by nobody else (POSIX); on Windows the profile's ACL decides. */
function trusted(stats: { uid: number; mode: number }): boolean {
  if (!process.getuid) return true;
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** Writes the asset to `file` (checked against `hash` first), atomically. */
function unpack(sea: SeaModule, hash: string, directory: string, file: string): void {
  const fs = process.getBuiltinModule('node:fs');
  const { createHash, randomBytes } = process.getBuiltinModule('node:crypto');
  const bytes = new Uint8Array(sea.getRawAsset(SEA_BINDING_ASSET));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== hash)
    throw new Error(`the executable's keyring binding does not match its SHA-256 (${actual})`);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (!trusted(fs.statSync(directory))) throw new Error(`${directory} is writable by other users`);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, bytes, { mode: 0o500, flag: 'wx' });
  fs.renameSync(temporary, file);
}

/**
 * True where this package is bundled into the oidcflow executable: its build defines the name
 * (scripts/build-binary.mjs). Elsewhere it is not defined, and node:sea is not asked (loading it
 * costs each hit outside the executable 0.14–0.19 ms, Node 20 and 24); another program's single
 * executable, which has no binding asset, opens the binding as an npm install does.
 */
declare const OIDCFLOW_EXECUTABLE_BUILD: boolean;

/** The binding from the executable's asset, or undefined outside oidcflow's single executable. */
export function seaKeyringBinding(): Binding | undefined {
  if (typeof OIDCFLOW_EXECUTABLE_BUILD === 'undefined' || !OIDCFLOW_EXECUTABLE_BUILD) return undefined;
  // node:sea exists from Node 20.12; getBuiltinModule answers undefined where it does not.
  const sea = process.getBuiltinModule('node:sea') as SeaModule | undefined;
  if (!sea?.isSea()) return undefined;
  // Decoded by Buffer: sea.getAsset(key, 'utf8') loads TextDecoder for it (about 0.2 ms of a hit).
  const hash = Buffer.from(sea.getRawAsset(SEA_BINDING_HASH_ASSET)).toString('latin1').trim();
  const { join } = process.getBuiltinModule('node:path');
  const directory = join(cacheRoot(), 'native');
  const file = join(directory, `keyring-${hash.slice(0, 32)}-${process.platform}-${process.arch}.node`);
  const fs = process.getBuiltinModule('node:fs');
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  const directoryStats = stats && fs.statSync(directory);
  if (!stats || !directoryStats || !trusted(stats) || !trusted(directoryStats)) {
    if (stats) fs.rmSync(file, { force: true });
    unpack(sea, hash, directory, file);
  }
  const module = { exports: {} as Binding };
  process.dlopen(module, file);
  return module.exports;
}
