// On Linux (and the BSDs) the Secret Service is a D-Bus service. Where no session bus exists
// (SSH without D-Bus, CI runners, containers), asking the keyring binding costs tens of
// milliseconds (loading it, then a failed connection) to learn what the environment already
// says. This answers from the environment and one access(2) call, before anything is loaded:
// core asks it before loading @oidcflow/cache-keyring under `cache: 'auto'`
// (registry/load-cache.ts), and the keyring cache before loading its binding.

/**
 * Does `path` exist? One access(2), no exception. Not `statSync`: on Node 20, a stat of a
 * socket leaves Node's shared stat buffer such that the module resolver's next realpath takes
 * pnpm's symlinked package directories for real ones (later imports then miss their
 * dependencies); Node 24 does not. fs.existsSync does not use that buffer.
 */
const exists = (path: string) => process.getBuiltinModule('node:fs').existsSync(path);

/**
 * The socket path of one D-Bus address entry when it is `unix:` with a `path=` key (the last
 * one, if repeated), else undefined (abstract sockets, tcp, `autolaunch:`, a `unix:` entry
 * without a path). Read with string methods, not a regular expression: this runs on every
 * `auto` cache hit, and a regular expression is compiled at its first use in each process.
 */
function unixSocketPath(entry: string): string | undefined {
  if (!entry.startsWith('unix:')) return undefined;
  const comma = entry.lastIndexOf(',path=');
  const key = comma !== -1 ? comma + 1 : entry.startsWith('path=', 5) ? 5 : -1;
  if (key === -1) return undefined;
  const start = key + 'path='.length;
  const end = entry.indexOf(',', start);
  const path = end === -1 ? entry.slice(start) : entry.slice(start, end);
  return path === '' ? undefined : path;
}

/** `path` with its %-escapes decoded (D-Bus escapes bytes so), or undefined when they are malformed. */
function unescaped(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Why no D-Bus session bus can answer here, or undefined when one may (then the binding is
 * asked, and decides). Only certain absences count: no DBUS_SESSION_BUS_ADDRESS and no socket
 * at `$XDG_RUNTIME_DIR/bus` (where a systemd user session puts it), or an address whose
 * every entry is a `unix:path=` socket that does not exist. Any other address (abstract
 * sockets, tcp, `autolaunch:`, a malformed %-escape) is left to the binding.
 *
 * A keyring hit under `auto` asks this three times (core, then the keyring cache twice). One
 * loop, no closures and no regular expression: measured (new processes, the first and second
 * call, medians of 60, Node 20, 2026-12-07) 0.195 → 0.113 ms and 0.041 → 0.009 ms, so about
 * 0.2 ms less for each keyring hit.
 */
export function sessionBusMissing(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address) {
    const missing: string[] = [];
    for (const entry of address.split(';')) {
      if (entry === '') continue;
      const path = unixSocketPath(entry);
      const file = path === undefined ? undefined : unescaped(path);
      // An entry this rule cannot read (or a socket that is there): the binding decides.
      if (path === undefined || file === undefined || exists(file)) return undefined;
      missing.push(path);
    }
    if (missing.length === 0) return undefined;
    return `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS names ${missing.join(', ')}, which does not exist`;
  }
  const runtime = env.XDG_RUNTIME_DIR || (process.getuid ? `/run/user/${process.getuid()}` : undefined);
  if (runtime && exists(`${runtime}/bus`)) return undefined;
  return `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set${runtime ? ` and there is no ${runtime}/bus` : ''}`;
}
