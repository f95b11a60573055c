import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps track of the process groups this process started (kc.sh and the java it runs), so none
 * survives us: they are killed on stop(), on process exit, on SIGINT/SIGTERM/SIGHUP, and — when
 * this process is killed outright — by a small shell watchdog that notices our pid is gone.
 */
/** Group id → the run's temporary directory (removed with it), if any. */
const liveGroups = new Map<number, string | undefined>();
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAllNow(): void {
  for (const [groupId, directory] of liveGroups) {
    killGroup(groupId, 'SIGKILL');
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  liveGroups.clear();
  uninstallHandlers();
  // Listening for a signal turns off Node's default exit; restore it when nobody else listens.
  // Listeners like signal-exit (loaded with testcontainers) do the same check: ours runs first
  // (prepended) and leaves, so the last polite listener sees itself alone and re-raises.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of FORWARDED_SIGNALS) process.prependListener(signal, onSignal);
}

function uninstallHandlers(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', killAllNow);
  for (const signal of FORWARDED_SIGNALS) process.off(signal, onSignal);
}

/** Sends `signal` to every process of the group; false when the group is already gone. */
export function killGroup(groupId: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-groupId, signal);
    return true;
  } catch {
    return false;
  }
}

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
  liveGroups.set(groupId, temporaryDirectory);
  installHandlers();
  startWatchdog(groupId, temporaryDirectory);
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
          throw new Error(`process group ${groupId} (Keycloak) survived SIGKILL; kill it by hand`);
        }
      }
    }
  } finally {
    liveGroups.delete(groupId);
    if (liveGroups.size === 0) uninstallHandlers();
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

/**
 * A detached shell that polls once a second: when our process has gone (killed with SIGKILL,
 * where no handler runs) it kills the group; when the group has gone it exits by itself.
 */
function startWatchdog(groupId: number, temporaryDirectory: string | undefined): void {
  // After the group is gone: if our process is gone too, nobody else will remove the directory.
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; kill -KILL -"$2" 2>/dev/null; ' +
    'if [ -n "$3" ] && ! kill -0 "$1" 2>/dev/null; then rm -rf "$3"; fi; exit 0';
  const watchdogArgs = [String(process.pid), String(groupId), temporaryDirectory ?? ''];
  const watchdog = spawn('/bin/sh', ['-c', script, 'oidcflow-keycloak-watchdog', ...watchdogArgs], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => {}); // Without /bin/sh the in-process handlers still cover normal exits.
  watchdog.unref();
}
