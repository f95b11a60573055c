import { ErrorCode } from '../errors/codes.js';
import { homeDirectory } from './home.js';
import type { ProfileFile } from './profile-document.js';
import { profileError, unknownProfileText } from './profile-errors.js';
import type { ProfileOption } from './profile-options.js';

const { readFileSync, statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** Which configuration file to read: `env` decides its place (`OIDCFLOW_CONFIG`, else the platform's), or `path`. */
export interface ProfileFileOptions {
  /** The environment that places the file. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The file itself, instead of the place `env` gives. */
  path?: string;
  /** The text to check instead of the file's (`oidcflow profile set` checks its change before writing it). */
  text?: string;
}

/**
 * Where the configuration file is: `OIDCFLOW_CONFIG`, else the platform's place for per-user
 * configuration — `$XDG_CONFIG_HOME/oidcflow/config.toml` (default `~/.config`) on Linux and the
 * BSDs, `~/Library/Application Support/oidcflow/config.toml` on macOS,
 * `%APPDATA%\oidcflow\config.toml` on Windows. The CLI and the library read the same file.
 */
export function profileFilePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.OIDCFLOW_CONFIG) return env.OIDCFLOW_CONFIG;
  const home = homeDirectory(env);
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'oidcflow', 'config.toml');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'oidcflow', 'config.toml');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'oidcflow', 'config.toml');
}

/**
 * The text of the file, or undefined when there is none (no file is not an error). Most
 * machines have none, and `oidcflow token` looks for it on every call: its absence is asked
 * for without an exception (the first one a process throws for a failed file call costs Node
 * ≈ 0.14 ms of CPU on Node 20, 0.06 ms on Node 24; `statSync` without throwing, 0.05 / 0.03 ms).
 */
function readProfileText(path: string): string | undefined {
  try {
    if (!statSync(path, { throwIfNoEntry: false })) return undefined;
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw profileError(
      ErrorCode.PROFILE_INVALID,
      path,
      undefined,
      `the configuration file cannot be read (${code ?? (error as Error).message}). Fix its permissions, or point OIDCFLOW_CONFIG at another file.`,
    );
  }
}

/**
 * The configuration file, read and checked: `default-profile = "NAME"` and `[profiles.NAME]` tables
 * whose keys are the CLI's flag names (`profileOptions()`). No file is an empty one. A file
 * that cannot be read, is not TOML, or holds an unknown option or a value of the wrong kind
 * fails with `PROFILE_INVALID`, naming the file, the line and the option. The TOML parser
 * loads only when there is text to parse.
 */
export async function readProfileFile(options: ProfileFileOptions = {}): Promise<ProfileFile> {
  const path = options.path ?? profileFilePath(options.env);
  const text = options.text ?? readProfileText(path);
  if (text === undefined) {
    return {
      path,
      text: undefined,
      defaultProfile: undefined,
      profiles: new Map(),
      profile: (name) => {
        throw profileError(ErrorCode.PROFILE_UNKNOWN, path, undefined, unknownProfileText(name, undefined));
      },
    };
  }
  return (await import('./profile-document.js')).parseProfileFile(path, text);
}

/** Every key a profile may hold (the CLI's flag names), with its kind and the setting it fills. */
export async function profileOptions(): Promise<ReadonlyMap<string, ProfileOption>> {
  // The parser's chunk holds the table too: a profile in use loads one file of core, not two.
  return (await import('./profile-document.js')).PROFILE_OPTIONS;
}
