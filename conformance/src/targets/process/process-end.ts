import { spawn } from 'node:child_process';

/**
 * What must not outlive this process (the process groups and containers the targets start):
 * each registers a synchronous clean-up, run on exit and on SIGINT/SIGTERM/SIGHUP, and a
 * shell watchdog for when this process is killed outright (no handler runs then). The
 * clean-ups run last registered first, as resources are released: a container goes before
 * the podman service it runs under.
 */
const cleanUps = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function cleanUpAll(): void {
  for (const cleanUp of [...cleanUps].reverse()) cleanUp();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpAll();
  cleanUps.clear();
  uninstall();
  // Listening for a signal turns off Node's default exit; restore it when nobody else listens.
  // Listeners like signal-exit (loaded with testcontainers) do the same check: ours runs first
  // (prepended) and leaves, so the last polite listener sees itself alone and re-raises.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpAll);
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', cleanUpAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Runs `cleanUp` (synchronous: an exit handler cannot wait) when this process exits or is
 * interrupted; returns what forgets it again (the owner cleaned up by itself).
 */
export function onProcessEnd(cleanUp: () => void): () => void {
  cleanUps.add(cleanUp);
  install();
  return () => {
    cleanUps.delete(cleanUp);
    if (cleanUps.size === 0) uninstall();
  };
}

/**
 * Starts `script` in a detached /bin/sh that outlives this process (`$1`… are `args`; `label`
 * is its `$0`, what `ps` shows). Without /bin/sh the in-process handlers still cover normal exits.
 */
export function startWatchdog(
  label: string,
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const watchdog = spawn('/bin/sh', ['-c', script, label, ...args], { detached: true, stdio: 'ignore', env });
  watchdog.on('error', () => {});
  watchdog.unref();
}
