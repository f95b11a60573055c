import { spawn } from 'node:child_process';

/** How long a started opener may run before we take "still running" as "the browser started". */
const START_GRACE_MS = 2_000;

interface Command {
  file: string;
  args: string[];
  /** Pass `args` to the Windows command line as they are (cmd.exe does its own parsing). */
  verbatim?: boolean;
}

/**
 * Runs one opener without a shell. Resolves true when it exits 0, or is still running after
 * the grace period (a browser started in the foreground); false on a spawn error or another
 * exit code.
 */
function tryCommand(command: Command, env: NodeJS.ProcessEnv): Promise<boolean> {
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
        env,
        windowsHide: true,
        ...(command.verbatim ? { windowsVerbatimArguments: true } : {}),
      });
    } catch {
      finish(false);
      return;
    }
    child.once('error', () => finish(false));
    child.once('exit', (code) => finish(code === 0));
  });
}

/**
 * Splits one `BROWSER` entry into words, honouring single and double quotes (no expansion:
 * this is not a shell), and puts the URL where `%s` is, or last (Python's webbrowser rule).
 */
export function browserEntryCommand(entry: string, url: string): Command | undefined {
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
  return { file, args };
}

/** Characters cmd.exe treats specially outside quotes, escaped with `^`. */
function escapeForCmd(url: string): string {
  return url.replace(/[\^&|<>()]/g, '^$&');
}

function isWsl(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.WSL_DISTRO_NAME || env.WSL_INTEROP);
}

/** The openers to try, in order: every `BROWSER` entry, then the platform's own. */
export function browserCommands(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Command[] {
  const commands: Command[] = [];
  const separator = platform === 'win32' ? ';' : ':';
  for (const entry of (env.BROWSER ?? '').split(separator)) {
    const command = browserEntryCommand(entry, url);
    if (command) commands.push(command);
  }
  if (platform === 'darwin') {
    commands.push({ file: 'open', args: [url] });
  } else if (platform === 'win32') {
    // /s strips the outer quotes; inside them cmd.exe leaves & | < > alone. `""` is start's window title.
    commands.push({ file: 'cmd.exe', args: ['/d', '/s', '/c', `"start "" "${url}""`], verbatim: true });
  } else {
    if (platform === 'linux' && isWsl(env)) {
      commands.push({ file: 'wslview', args: [url] });
      // WSL interop hands the words to cmd.exe unquoted, so its metacharacters are escaped.
      commands.push({ file: 'cmd.exe', args: ['/c', 'start', '""', escapeForCmd(url)] });
    }
    commands.push({ file: 'xdg-open', args: [url] });
  }
  return commands;
}

/**
 * Opens `url` in the user's browser, never through a shell: each `BROWSER` entry (a
 * colon-separated list of commands, `%s` marking the URL, as Python's webbrowser reads it),
 * then `open` (macOS), `cmd /c start` (Windows), `wslview` or `cmd.exe` (WSL), `xdg-open`.
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
    if (await tryCommand(command, env)) return true;
  }
  return false;
}
