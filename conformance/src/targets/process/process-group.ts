import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { onProcessEnd, startWatchdog } from './process-end.js';

/**
 * Keeps track of the process groups this process started (a server and what it runs, e.g.
 * kc.sh and its java), so none survives us: they are killed on stop(), on process exit, on
 * SIGINT/SIGTERM/SIGHUP, and — when this process is killed outright — by a small shell watchdog
 * that notices our pid is gone.
 */
/** Group id → what forgets its exit clean-up. */
const liveGroups = new Map<number, () => void>();

/** Sends `signal` to every process of the group; false when the group is already gone. */
export function killGroup(groupId: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-groupId, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of the group still runs (signal 0 to the group). */
export function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Registers a group (a child spawned with `detached: true`, so its pid is the group id) and
 * starts its watchdog. `temporaryDirectory` is removed along with the group when this process
 * ends abruptly (stop() callers remove it themselves).
 */
export function trackGroup(groupId: number, temporaryDirectory?: string): void {
  liveGroups.set(
    groupId,
    onProcessEnd(() => {
      killGroup(groupId, 'SIGKILL');
      if (temporaryDirectory) rmSync(temporaryDirectory, { recursive: true, force: true });
    }),
  );
  // Polls once a second; when our process has gone it kills the group and, once the group has
  // gone too and nobody else will, removes the directory; when the group has gone it exits.
  startWatchdog(
    'oidcflow-process-group-watchdog',
    'while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; kill -KILL -"$2" 2>/dev/null; ' +
      'if [ -n "$3" ] && ! kill -0 "$1" 2>/dev/null; then rm -rf "$3"; fi; exit 0',
    [String(process.pid), String(groupId), temporaryDirectory ?? ''],
  );
}

/**
 * Stops a group: SIGTERM, then SIGKILL after `graceMs`; resolves when no process of it is left
 * (bounded: after the SIGKILL it waits at most 5 s more).
 */
export async function stopGroup(groupId: number, graceMs = 10_000): Promise<void> {
  try {
    if (killGroup(groupId, 'SIGTERM')) {
      if (!(await waitForGroupExit(groupId, graceMs))) {
        killGroup(groupId, 'SIGKILL');
        if (!(await waitForGroupExit(groupId, 5_000))) {
          throw new Error(`process group ${groupId} survived SIGKILL; kill it by hand`);
        }
      }
    }
  } finally {
    liveGroups.get(groupId)?.();
    liveGroups.delete(groupId);
  }
}

async function waitForGroupExit(groupId: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(groupId)) return true;
    await sleep(100);
  }
  return !groupAlive(groupId);
}
