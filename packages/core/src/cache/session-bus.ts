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
 * Why no D-Bus session bus can answer here, or undefined when one may (then the binding is
 * asked, and decides). Only certain absences count: no DBUS_SESSION_BUS_ADDRESS and no socket
 * at `$XDG_RUNTIME_DIR/bus` (where a systemd user session puts it), or an address whose
 * every entry is a `unix:path=` socket that does not exist. Any other address (abstract
 * sockets, tcp, `autolaunch:`) is left to the binding.
 */
export function sessionBusMissing(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address) {
    const entries = address.split(';').filter((entry) => entry !== '');
    const paths = entries.map((entry) => /^unix:(?:.*,)?path=([^,]+)/.exec(entry)?.[1]);
    if (paths.length === 0 || paths.some((path) => path === undefined)) return undefined;
    const missing = paths.filter((path) => !exists(decodeURIComponent(path as string)));
    if (missing.length < paths.length) return undefined;
    return `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS names ${missing.join(', ')}, which does not exist`;
  }
  const runtime = env.XDG_RUNTIME_DIR || (process.getuid ? `/run/user/${process.getuid()}` : undefined);
  if (runtime && exists(`${runtime}/bus`)) return undefined;
  return `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set${runtime ? ` and there is no ${runtime}/bus` : ''}`;
}
