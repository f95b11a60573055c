import { spawn } from 'node:child_process';

export interface ToolRun {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  stdout: string;
}

export interface ToolOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the output so far whenever more arrives. */
  onOutput?: (output: string) => void;
  /** Written to the program's stdin, which is then closed (`git credential fill`'s request). */
  input?: string;
}

/**
 * Runs a real program (kubectl, git) in its own process group, which is killed on timeout or
 * abort, so nothing it started (oidcflow as its plugin or helper) outlives the test.
 */
export function runTool(options: ToolOptions): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let stdout = '';
    const collect = (chunk: Buffer, isStdout: boolean) => {
      const text = chunk.toString('utf8');
      output += text;
      if (isStdout) stdout += text;
      options.onOutput?.(output);
    };
    if (options.input !== undefined) {
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    child.stdout.on('data', (chunk: Buffer) => collect(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => collect(chunk, false));
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {}
    };
    const timer = setTimeout(kill, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      output += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      child.stdin.destroy();
      resolve({ code, output, stdout });
    });
  });
}

/** Output for a cell's detail: no terminal control sequences, no JWT, the last lines only. */
export function outputTail(text: string, lines = 4): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]')
      .trim()
      .split('\n')
      .slice(-lines)
      .join(' | ')
  );
}
