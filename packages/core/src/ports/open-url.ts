import { spawn } from 'node:child_process';

/** How long a started opener may run before we take "still running" as "the browser started". */
const START_GRACE_MS = 2_000;

export interface OpenerCommand {
  file: string;
  /** Arguments as separate words; the URL is always exactly one of them, never parsed by a shell. */
  args: string[];
  /** The environment the opener runs with: the caller's, without secrets (`openerEnvironment`). */
  env: NodeJS.ProcessEnv;
  /** Success is "it started": explorer.exe exits 1 even when it opened the URL. */
  anyExit?: boolean;
}

/**
 * Names of variables an opener never gets: oidcflow's own (`OIDCFLOW_CLIENT_SECRET`, …) and
 * anything that names a secret by convention (cloud keys, tokens, passwords). A browser needs
 * none of them, and a hostile authorization URL or a compromised opener could carry them off.
 */
const SECRET_NAME =
  /^OIDCFLOW_|SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY/i;

/** `env` without the variables an opener must not see (see `SECRET_NAME`). */
export function openerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !SECRET_NAME.test(name)) kept[name] = value;
  }
  return kept;
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
 * - Windows: `rundll32 url.dll,FileProtocolHandler URL` (the shell's URL handler, one argument);
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
    commands.push({ file: 'rundll32', args: ['url.dll,FileProtocolHandler', url], env: safeEnv });
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
 * `explorer.exe` (WSL), `xdg-open`; each with the environment minus secrets.
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
