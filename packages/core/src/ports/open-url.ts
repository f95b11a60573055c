import { spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';

/** How long a started opener may run before we take "still running" as "the browser started". */
const START_GRACE_MS = 2_000;

export interface OpenerCommand {
  file: string;
  /** Arguments as separate words; the URL is always exactly one of them, never parsed by a shell. */
  args: string[];
  /** The environment the opener runs with: what a browser needs of the caller's (`openerEnvironment`). */
  env: NodeJS.ProcessEnv;
  /** Success is "it started": explorer.exe exits 1 even when it opened the URL. */
  anyExit?: boolean;
}

/**
 * The variables a browser (or the tool that starts one) needs, by name, compared in upper case
 * (Windows' names are case-insensitive): the session (display, Wayland, X authority, DBus,
 * runtime and XDG directories, desktop), the locale, home, path and temporary directories, the
 * user, WSL's interop, Windows' system and profile directories. Nothing else gets through: a
 * hostile authorization URL or a compromised opener could carry off any secret it was given,
 * whatever its name (`CI_JOB_JWT`, `DATABASE_URL`, `DOCKER_AUTH_CONFIG`).
 */
const OPENER_VARIABLES = new Set([
  // Everywhere
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'TZ',
  'LANG',
  'LANGUAGE',
  'BROWSER',
  // X11, Wayland, the desktop session (xdg-open asks it which browser to run)
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'DBUS_SESSION_BUS_ADDRESS',
  'DESKTOP_SESSION',
  'GNOME_DESKTOP_SESSION_ID',
  'KDE_FULL_SESSION',
  'KDE_SESSION_VERSION',
  'GDK_BACKEND',
  'QT_QPA_PLATFORM',
  'MOZ_ENABLE_WAYLAND',
  // WSL: wslview and explorer.exe reach Windows through these
  'WSL_DISTRO_NAME',
  'WSL_INTEROP',
  'WSLENV',
  // macOS
  '__CF_USER_TEXT_ENCODING',
  // Windows
  'SYSTEMROOT',
  'WINDIR',
  'SYSTEMDRIVE',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'USERDOMAIN',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'PROGRAMW6432',
  'COMMONPROGRAMFILES',
  'ALLUSERSPROFILE',
  'PUBLIC',
  'OS',
  'PROCESSOR_ARCHITECTURE',
  'NUMBER_OF_PROCESSORS',
]);

/** Name prefixes that are a session's, never a secret's: the locale categories, the XDG directories. */
const OPENER_PREFIXES = ['LC_', 'XDG_'];

/** Proxy settings, passed on only without credentials (`http://user:password@proxy` stays behind). */
const PROXY_VARIABLES = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'FTP_PROXY']);

function holdsCredentials(proxy: string): boolean {
  // Any `@` may be userinfo, parsed or not ("user:pass@proxy:3128" has no scheme).
  return proxy.includes('@');
}

function passesToOpener(name: string, value: string): boolean {
  const upper = name.toUpperCase();
  if (PROXY_VARIABLES.has(upper)) return !holdsCredentials(value);
  return OPENER_VARIABLES.has(upper) || OPENER_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** `env` reduced to what a browser needs (see `OPENER_VARIABLES`): an allow list, never a deny list. */
export function openerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && passesToOpener(name, value)) kept[name] = value;
  }
  return kept;
}

/**
 * Windows' system directory, `%SystemRoot%\System32`: its tools are run by absolute path,
 * because Windows looks for a bare name in the current directory before PATH, and git runs
 * credential helpers in the worktree, where a repository could have committed `rundll32.com`.
 * A SystemRoot that is missing or not absolute counts as `C:\Windows`. (`join` is the running
 * system's: on Windows, where this runs, it is win32's; a test elsewhere points it at stand-ins.)
 */
function system32(env: NodeJS.ProcessEnv): string {
  const named = Object.entries(env).find(
    ([name, value]) => (name.toUpperCase() === 'SYSTEMROOT' || name.toUpperCase() === 'WINDIR') && value,
  )?.[1];
  const root = named && isAbsolute(named) ? named : 'C:\\Windows';
  return join(root, 'System32');
}

/**
 * Runs one opener without a shell. Resolves true when it exits 0, or is still running after
 * the grace period (a browser started in the foreground); false on a spawn error or another
 * exit code.
 */
function tryCommand(command: OpenerCommand): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (opened: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      resolve(opened);
    };
    const grace = setTimeout(() => {
      child?.unref();
      finish(true);
    }, START_GRACE_MS);
    let child: ReturnType<typeof spawn> | undefined;
    try {
      child = spawn(command.file, command.args, {
        stdio: 'ignore',
        detached: true,
        env: command.env,
        windowsHide: true,
      });
    } catch {
      finish(false);
      return;
    }
    child.once('error', () => finish(false));
    child.once('exit', (code) => finish(code === 0 || Boolean(command.anyExit)));
  });
}

/**
 * Splits one `BROWSER` entry into words, honouring single and double quotes (no expansion:
 * this is not a shell), and puts the URL where `%s` is, or last (Python's webbrowser rule).
 */
export function browserEntryCommand(
  entry: string,
  url: string,
  env: NodeJS.ProcessEnv = {},
): OpenerCommand | undefined {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const character of entry.trim()) {
    if (quote) {
      if (character === quote) quote = undefined;
      else current += character;
    } else if (character === '"' || character === "'") {
      quote = character;
      inWord = true;
    } else if (/\s/.test(character)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += character;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  const [file, ...rest] = words;
  if (!file) return undefined;
  const hasPlaceholder = rest.some((word) => word.includes('%s'));
  const args = rest.map((word) => word.replaceAll('%s', url));
  if (!hasPlaceholder) args.push(url);
  return { file, args, env: openerEnvironment(env) };
}

function isWsl(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.WSL_DISTRO_NAME || env.WSL_INTEROP);
}

/**
 * The openers to try, in order: every `BROWSER` entry, then the platform's own. None goes
 * through a shell or cmd.exe: cmd.exe expands `%NAME%` even inside quotes, so a URL from a
 * hostile discovery document could carry any environment variable's value to its host.
 * - Windows: `%SystemRoot%\System32\rundll32.exe url.dll,FileProtocolHandler URL` (the shell's
 *   URL handler, one argument; by absolute path, see `system32`);
 * - WSL: `wslview URL`, then `explorer.exe URL` (Windows' explorer, not cmd.exe), then xdg-open;
 * - macOS: `open URL`; other Unix: `xdg-open URL`.
 */
export function browserCommands(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): OpenerCommand[] {
  const commands: OpenerCommand[] = [];
  const separator = platform === 'win32' ? ';' : ':';
  for (const entry of (env.BROWSER ?? '').split(separator)) {
    const command = browserEntryCommand(entry, url, env);
    if (command) commands.push(command);
  }
  const safeEnv = openerEnvironment(env);
  if (platform === 'darwin') {
    commands.push({ file: 'open', args: [url], env: safeEnv });
  } else if (platform === 'win32') {
    const rundll32 = join(system32(env), 'rundll32.exe');
    commands.push({ file: rundll32, args: ['url.dll,FileProtocolHandler', url], env: safeEnv });
  } else {
    if (platform === 'linux' && isWsl(env)) {
      commands.push({ file: 'wslview', args: [url], env: safeEnv });
      commands.push({ file: 'explorer.exe', args: [url], env: safeEnv, anyExit: true });
    }
    commands.push({ file: 'xdg-open', args: [url], env: safeEnv });
  }
  return commands;
}

/**
 * Opens `url` in the user's browser, never through a shell: each `BROWSER` entry (a
 * colon-separated list of commands, `%s` marking the URL, as Python's webbrowser reads it),
 * then `open` (macOS), `rundll32 url.dll,FileProtocolHandler` (Windows), `wslview` or
 * `explorer.exe` (WSL), `xdg-open`; each with only what a browser needs of the environment.
 * Resolves false when none could be started; only http(s) URLs are opened.
 */
export async function openSystemBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  let href: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
    // The serialised form has no quotes, spaces or control characters left to misread.
    href = parsed.href;
  } catch {
    return false;
  }
  for (const command of browserCommands(href, env, platform)) {
    if (await tryCommand(command)) return true;
  }
  return false;
}
