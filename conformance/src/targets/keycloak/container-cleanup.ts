import { spawn, spawnSync } from 'node:child_process';

/**
 * The containers this process started, removed on stop, on exit, on SIGINT/SIGTERM/SIGHUP, and
 * — if we are killed outright — by a small shell watchdog. Testcontainers' own reaper (Ryuk) is
 * an image no registry serves here, so it runs disabled and this module does its job.
 */
export interface EngineCli {
  /** `docker` or `podman` */
  command: string;
  env: NodeJS.ProcessEnv;
}

/** The label every container of ours carries (value: the harness's pid), to find leftovers. */
export const CONTAINER_LABEL = 'org.oidcflow.conformance';

const live = new Map<string, EngineCli>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function removeContainerNow(id: string, cli: EngineCli): void {
  const args = cli.command === 'podman' ? ['rm', '--force', '--time', '0', id] : ['rm', '--force', id];
  spawnSync(cli.command, args, {
    env: cli.env,
    stdio: 'ignore',
    timeout: 30_000,
  });
}

function removeAllNow(): void {
  for (const [id, cli] of live) removeContainerNow(id, cli);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllNow();
  uninstall();
  // Same rule as process-group.ts: re-raise only when no other listener is left to do it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeAllNow);
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', removeAllNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Registers a started container; returns what removes it (and forgets it). */
export function trackContainer(id: string, cli: EngineCli): () => void {
  live.set(id, cli);
  install();
  startWatchdog(id, cli);
  return () => {
    live.delete(id);
    if (live.size === 0) uninstall();
  };
}

/**
 * Polls our pid once a second (no engine call while we live: on two busy cores a `podman` call
 * every few seconds is not free); once we are gone, removes the container, which is harmless
 * when stop() removed it already.
 */
function startWatchdog(id: string, cli: EngineCli): void {
  const removal = cli.command === 'podman' ? '"$2" rm --force --time 0 "$3"' : '"$2" rm --force "$3"';
  const script = `while kill -0 "$1" 2>/dev/null; do sleep 1; done; ${removal} >/dev/null 2>&1; exit 0`;
  const watchdog = spawn(
    '/bin/sh',
    ['-c', script, 'oidcflow-container-watchdog', String(process.pid), cli.command, id],
    { detached: true, stdio: 'ignore', env: cli.env },
  );
  watchdog.on('error', () => {});
  watchdog.unref();
}

/** Ids of containers carrying our label (any state), e.g. to prove none was left behind. */
export function labelledContainers(cli: EngineCli, value?: string): string[] {
  const filter = value ? `label=${CONTAINER_LABEL}=${value}` : `label=${CONTAINER_LABEL}`;
  const result = spawnSync(cli.command, ['ps', '-aq', '--filter', filter], {
    env: cli.env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`${cli.command} ps failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}
