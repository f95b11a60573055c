import type { Stats } from 'node:fs';
import { ErrorCode, OidcflowError } from '@oidcflow/core';

/**
 * Modes and owners are checked on Unix only. On Windows they mean little (every file reports
 * uid 0 and mode 0666/0444); there the cache lives in %LOCALAPPDATA%, which the per-user
 * profile's ACL already closes to other non-administrator users. Checking that ACL would need
 * a native module or PowerShell on every cache read (hundreds of ms); see docs/security.md.
 */
const checksModes = process.platform !== 'win32';

const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_OR_OTHER_ANY = 0o077;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/** The user this process runs as (undefined where there are no uids). */
const currentUid = (): number | undefined => process.getuid?.();

/**
 * Like ssh with `~/.ssh`: what another user owns is not trusted, even with private modes.
 * Running as root (sudo keeps another user's HOME/XDG_CACHE_HOME), a cache planted by that
 * user would otherwise hand root their tokens, or root's tokens to them.
 */
function assertOwned(path: string, stats: Stats, what: string): void {
  const uid = currentUid();
  if (uid === undefined || stats.uid === uid) return;
  throw new OidcflowError(
    ErrorCode.CACHE_INSECURE,
    `The token cache ${what} ${path} belongs to user id ${stats.uid}, not to you (user id ${uid}), so it is not trusted. ` +
      `If you run oidcflow with sudo, keep your own HOME or set cachePath; else remove it, or take it with: chown $(id -u) '${path}'.`,
  );
}

/**
 * A cache file must be the user's alone (0600, owned by the user): anyone else who can write
 * it could plant a token, anyone who can read it could steal one. Throws CACHE_INSECURE with the fix.
 */
export function assertPrivateFile(path: string, stats: Stats): void {
  if (!checksModes) return;
  assertOwned(path, stats, 'file');
  if ((stats.mode & GROUP_OR_OTHER_ANY) === 0) return;
  const who = stats.mode & GROUP_OR_OTHER_WRITE ? 'other users can change it' : 'other users can read it';
  throw new OidcflowError(
    ErrorCode.CACHE_INSECURE,
    `The token cache file ${path} has mode ${octal(stats.mode)}, so ${who}. ` +
      `Make it private with: chmod 600 '${path}' (or delete it and log in again).`,
  );
}

/**
 * The cache directory must be a real directory (not a symbolic link, which whoever could
 * create it can point anywhere), owned by the user, and not writable by others: they could
 * replace a cache file or the lock. A directory others can only read is accepted (file names
 * are hashes; the files are 0600). `stats` must come from `lstat`.
 */
export function assertPrivateDirectory(path: string, stats: Stats): void {
  if (stats.isSymbolicLink()) {
    throw new OidcflowError(
      ErrorCode.CACHE_INSECURE,
      `The token cache directory ${path} is a symbolic link, which is not followed (whoever made it chose where tokens go). ` +
        'Remove the link, or set cachePath to the real directory.',
    );
  }
  if (!checksModes) return;
  assertOwned(path, stats, 'directory');
  if ((stats.mode & GROUP_OR_OTHER_WRITE) === 0) return;
  throw new OidcflowError(
    ErrorCode.CACHE_INSECURE,
    `The token cache directory ${path} has mode ${octal(stats.mode)}, so other users can change its files. ` +
      `Make it private with: chmod 700 '${path}', or set cachePath to a directory only you can write.`,
  );
}
