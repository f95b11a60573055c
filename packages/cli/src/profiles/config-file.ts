import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

const { readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/**
 * Where `oidcflow` looks for its configuration file: `OIDCFLOW_CONFIG`, else the platform's
 * place for per-user configuration — `$XDG_CONFIG_HOME/oidcflow/config.toml` (default
 * `~/.config`) on Linux and the BSDs, `~/Library/Application Support/oidcflow/config.toml` on
 * macOS, `%APPDATA%\oidcflow\config.toml` on Windows.
 */
export function configFilePath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.OIDCFLOW_CONFIG) return env.OIDCFLOW_CONFIG;
  const home = env.HOME || env.USERPROFILE || process.getBuiltinModule('node:os').homedir();
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'oidcflow', 'config.toml');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'oidcflow', 'config.toml');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'oidcflow', 'config.toml');
}

/** A configuration problem, named by file and line: exit 7, like any other configuration error. */
export function configError(path: string, line: number | undefined, message: string): CliError {
  return new CliError(`${path}${line ? `:${line}` : ''}: ${message}`, ExitCode.CONFIGURATION);
}

/** The text of the configuration file, or undefined when there is none (no file is not an error). */
export function readConfigText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw configError(
      path,
      undefined,
      `the configuration file cannot be read (${code ?? (error as Error).message}). Fix its permissions, or point OIDCFLOW_CONFIG at another file.`,
    );
  }
}
