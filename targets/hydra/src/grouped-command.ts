import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { stopGroup, trackGroup } from '@oidcflow/conformance/targets';

export interface GroupedCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (appended), never to a pipe whose reader could die first. */
  logPath: string;
  timeoutMs: number;
  /** Removed with the group if this process ends abruptly (the caller removes it otherwise). */
  temporaryDirectory?: string;
}

export type GroupedCommandResult = { outcome: 'exited'; code: number | null } | { outcome: 'timed-out' };

/**
 * Runs a command to its end in its own process group (`go build` starts compilers and linkers
 * as children), so Ctrl-C, a kill of this process or the time bound stop all of it.
 */
export async function runGroupedCommand(
  command: string,
  args: readonly string[],
  options: GroupedCommandOptions,
): Promise<GroupedCommandResult> {
  const log = openSync(options.logPath, 'a', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<GroupedCommandResult>((resolve) => {
    child.once('exit', (code) => resolve({ outcome: 'exited', code }));
    child.once('error', () => resolve({ outcome: 'exited', code: null }));
  });
  const groupId = child.pid;
  if (groupId === undefined) return exited;
  trackGroup(groupId, options.temporaryDirectory);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<GroupedCommandResult>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timed-out' }), options.timeoutMs);
  });
  try {
    return await Promise.race([exited, timedOut]);
  } finally {
    clearTimeout(timer);
    // Ends what is left of the group (a timed-out build, or stray children of an exited one).
    await stopGroup(groupId, 5_000);
  }
}
