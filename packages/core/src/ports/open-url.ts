import { spawn } from 'node:child_process';

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => finish(false));
      child.once('exit', (code) => finish(code === 0));
      // A browser command that keeps running has started the browser.
      setTimeout(() => {
        child.unref();
        finish(true);
      }, 3_000).unref();
    } catch {
      finish(false);
    }
  });
}

/** Splits a BROWSER entry into a command and its arguments, putting the URL at %s or last. */
function browserCommand(entry: string, url: string): [string, string[]] {
  const parts = entry.trim().split(/\s+/);
  const hasPlaceholder = parts.some((part) => part.includes('%s'));
  const args = parts.slice(1).map((part) => part.replaceAll('%s', url));
  if (!hasPlaceholder) args.push(url);
  return [parts[0] as string, args];
}

/**
 * Opens `url` in the user's browser without a shell: `BROWSER` (a colon-separated list, as
 * Python's webbrowser reads it), else the platform's opener. Resolves false when none worked.
 */
export async function openSystemBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const candidates: Array<[string, string[]]> = [];
  for (const entry of (env.BROWSER ?? '').split(':').filter((e) => e.trim()))
    candidates.push(browserCommand(entry, url));
  if (process.platform === 'darwin') candidates.push(['open', [url]]);
  else if (process.platform === 'win32') candidates.push(['rundll32', ['url.dll,FileProtocolHandler', url]]);
  else {
    if (env.WSL_DISTRO_NAME || env.WSL_INTEROP)
      candidates.push(['wslview', [url]], ['cmd.exe', ['/c', 'start', '""', url.replaceAll('&', '^&')]]);
    candidates.push(['xdg-open', [url]]);
  }
  for (const [command, args] of candidates) {
    if (await run(command, args)) return true;
  }
  return false;
}
