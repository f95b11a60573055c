import { spawnSync } from 'node:child_process';
import { onProcessEnd, startWatchdog } from '@oidcflow/conformance/targets';

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

export function removeContainerNow(id: string, cli: EngineCli): void {
  spawnSync(cli.command, ['rm', '--force', ...timeNow(cli), id], {
    env: cli.env,
    stdio: 'ignore',
    timeout: 30_000,
  });
}

/** podman waits for the container's own stop timeout unless told not to. */
function timeNow(cli: EngineCli): string[] {
  return cli.command === 'podman' ? ['--time', '0'] : [];
}

/** Registers a started container; returns what forgets it (once stop() removed it). */
export function trackContainer(id: string, cli: EngineCli): () => void {
  const forget = onProcessEnd(() => removeContainerNow(id, cli));
  // Polls our pid once a second (no engine call while we live: on two busy cores a `podman`
  // call every few seconds is not free); once we are gone, removes the container, which is
  // harmless when stop() removed it already.
  startWatchdog(
    'oidcflow-container-watchdog',
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; engine="$2"; shift 2; "$engine" rm --force "$@" >/dev/null 2>&1; exit 0',
    [String(process.pid), cli.command, ...timeNow(cli), id],
    cli.env,
  );
  return forget;
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
