import type { Stats } from 'node:fs';
import { ErrorCode, OidcflowError } from '@oidcflow/core';

/** Modes mean little on Windows, where the per-user profile's ACLs protect %LOCALAPPDATA%. */
export const checksModes = process.platform !== 'win32';

const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_OR_OTHER_ANY = 0o077;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * A cache file must be the user's alone (0600): anyone else who can write it could plant a
 * token, anyone who can read it could steal one. Throws CACHE_INSECURE with the fix.
 */
export function assertPrivateFile(path: string, stats: Stats): void {
  if (!checksModes || (stats.mode & GROUP_OR_OTHER_ANY) === 0) return;
  const who = stats.mode & GROUP_OR_OTHER_WRITE ? 'other users can change it' : 'other users can read it';
  throw new OidcflowError(
    ErrorCode.CACHE_INSECURE,
    `The token cache file ${path} has mode ${octal(stats.mode)}, so ${who}. ` +
      `Make it private with: chmod 600 '${path}' (or delete it and log in again).`,
  );
}

/**
 * The cache directory must not be writable by others: they could replace a cache file or
 * the lock. A directory others can only read is accepted (file names are hashes; the files are 0600).
 */
export function assertPrivateDirectory(path: string, stats: Stats): void {
  if (!checksModes || (stats.mode & GROUP_OR_OTHER_WRITE) === 0) return;
  throw new OidcflowError(
    ErrorCode.CACHE_INSECURE,
    `The token cache directory ${path} has mode ${octal(stats.mode)}, so other users can change its files. ` +
      `Make it private with: chmod 700 '${path}', or set cachePath to a directory only you can write.`,
  );
}
