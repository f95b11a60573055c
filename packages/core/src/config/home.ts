/**
 * The home directory: HOME, then USERPROFILE, then the OS's answer. node:os loads only for
 * that last case, so a cache hit (HOME is set) does not pay for it. Core and the file cache
 * both find `~` here.
 */
export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || env.USERPROFILE || process.getBuiltinModule('node:os').homedir();
}

/**
 * `~`, `~/…` and `~\…` become the home directory, joined with the platform's separator;
 * other paths (`~ada/x` too) are returned unchanged. node:path loads only for a `~` path.
 */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) {
    return process.getBuiltinModule('node:path').join(home, path.slice(2));
  }
  return path;
}
