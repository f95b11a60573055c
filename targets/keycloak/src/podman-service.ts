import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopGroup, trackGroup } from '@oidcflow/conformance/targets';

/**
 * Podman's Docker-compatible API service, started for one harness process so testcontainers can
 * drive podman where no Docker engine runs. The settings below are what works on these machines
 * (root, cgroups v1/hybrid): runc (crun refuses hybrid cgroups), cgroupfs (no systemd), and no
 * default ulimits (raising RLIMIT_NOFILE is not permitted in the sandbox).
 */
export const PODMAN_CONTAINERS_CONF = `[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"

[containers]
default_ulimits = []
`;

export interface PodmanService {
  /** unix:///…/podman.sock, for DOCKER_HOST */
  dockerHost: string;
  /** The environment the `podman` CLI needs to see the same configuration (CONTAINERS_CONF). */
  env: NodeJS.ProcessEnv;
  /** The service's process group id (its pid). */
  processGroupId: number;
  stop(): Promise<void>;
}

/** True when a `podman` binary runs here. */
export function podmanInstalled(): boolean {
  const result = spawnSync('podman', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

/** Writes the containers.conf above into `directory` and returns the environment naming it. */
export async function podmanEnvironment(directory: string): Promise<NodeJS.ProcessEnv> {
  const confPath = join(directory, 'containers.conf');
  await writeFile(confPath, PODMAN_CONTAINERS_CONF);
  return { ...process.env, CONTAINERS_CONF: confPath };
}

/**
 * `podman system service --time=0` on a socket in `directory` (default: a fresh temporary one), in its own
 * process group tracked by targets/process/process-group.ts (killed on stop(), exit, SIGINT/SIGTERM/SIGHUP, and
 * by a watchdog if we are killed outright). Resolves once `GET /_ping` answers.
 */
export async function startPodmanService(
  options: { directory?: string; readyTimeoutMs?: number } = {},
): Promise<PodmanService> {
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'oidcflow-podman-')));
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const socketPath = join(directory, 'podman.sock');
  const env = await podmanEnvironment(directory);
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`podman system service did not start: ${(await spawnError).message}`);
  }
  trackGroup(pid, directory);
  child.unref();
  // The pipe would keep the event loop alive; the exit handler (targets/process/process-end.ts) stops the service.
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await stopGroup(pid, 5_000);
      await rm(directory, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!(await pingSocket(socketPath))) {
    if (gone || Date.now() > deadline) {
      await stop();
      throw new Error(
        `podman system service ${gone ? 'exited' : 'did not answer within the time allowed'}; its last output:\n${stderr.trim()}`,
      );
    }
    await sleep(200);
  }
  return { dockerHost: `unix://${socketPath}`, env, processGroupId: pid, stop };
}

/** True when the Docker-compatible API on this socket answers `GET /_ping` with 200. */
export function pingSocket(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
