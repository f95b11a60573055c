import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestCertificates, writeCaFile } from '@oidcflow/conformance/targets';
import type { GenericContainer as GenericContainerClass } from 'testcontainers';
import { CONTAINER_LABEL, type EngineCli, removeContainerNow, trackContainer } from './container-cleanup.js';
import type { StartedKeycloakServer } from './keycloak-options.js';
import { pingSocket, podmanInstalled, startPodmanService } from './podman-service.js';
import { REALM_NAME } from './version.js';

/** A Keycloak server in a container (Docker, or podman through its Docker-compatible API). */
export interface ContainerKeycloak extends StartedKeycloakServer {
  /** The container's id, for the engine CLI. */
  containerId: string;
  /** How long from create to ready, in ms. */
  startMs: number;
}

/**
 * The engine testcontainers talks to: a Docker engine where one answers (DOCKER_HOST or
 * /var/run/docker.sock), else podman's API service started for this run. `release()` stops
 * what was started for it (the podman service).
 */
export interface ContainerEngine {
  kind: 'docker' | 'podman';
  cli: EngineCli;
  /** What the report says, e.g. "podman 4.3.1 API service". */
  description: string;
  /** The engine runs on this machine: publish ports on 127.0.0.1 only and connect there. */
  local: boolean;
  release(): Promise<void>;
}

const DOCKER_SOCKET = '/var/run/docker.sock';

/** True when a Docker engine answers on DOCKER_HOST (a unix socket) or the default socket. */
export async function dockerEngineAnswers(environment: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const host = environment.DOCKER_HOST;
  if (host && !host.startsWith('unix://')) return true; // tcp:// and ssh:// are tried by testcontainers.
  const socketPath = host ? host.slice('unix://'.length) : DOCKER_SOCKET;
  return existsSync(socketPath) && (await pingSocket(socketPath));
}

/** True when either engine could run a container here (podman: the binary is installed). */
export async function containerEngineAvailable(): Promise<boolean> {
  return (await dockerEngineAnswers()) || podmanInstalled();
}

/**
 * Finds the engine, and for podman starts its API service. Testcontainers reads DOCKER_HOST once
 * per process and keeps its client, so podman's socket lives at a path fixed per process and a
 * later service for this process listens where the first did.
 */
export async function acquireContainerEngine(): Promise<ContainerEngine | undefined> {
  if (await dockerEngineAnswers()) {
    const local = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith('unix://');
    if (local) useLoopbackHost();
    return {
      kind: 'docker',
      cli: { command: 'docker', env: process.env },
      description: 'Docker engine',
      local,
      release: async () => {},
    };
  }
  if (!podmanInstalled()) return undefined;
  const service = await startPodmanService({ directory: join(tmpdir(), `oidcflow-podman-${process.pid}`) });
  process.env.DOCKER_HOST = service.dockerHost;
  // The reaper's image cannot be pulled here; container-cleanup.ts removes our containers instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  useLoopbackHost();
  return {
    kind: 'podman',
    cli: { command: 'podman', env: service.env },
    description: 'podman API service',
    local: true,
    release: () => service.stop(),
  };
}

/**
 * Testcontainers connects to published ports at "localhost", or, when it believes it runs in a
 * container itself (/.dockerenv, as on these machines), at the engine network's gateway; our
 * ports are published on 127.0.0.1 only, so it is told to connect there.
 */
function useLoopbackHost(): void {
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

export interface ContainerKeycloakOptions {
  engine: ContainerEngine;
  realmJson: string;
  image: string;
  /** Also serve HTTPS on 8443 with this certificate (signed by a CA the harness made), as the local mode does. */
  tls?: TestCertificates;
  /** @default 240 000 (a loaded 2-core machine needs up to 3 minutes) */
  startupTimeoutMs?: number;
}

/**
 * `start-dev --import-realm` in the image, the realm file copied to data/import as the local
 * mode writes it; ports 8080 and 9000 published on 127.0.0.1 only; ready when /health/ready on
 * 9000 answers 200. The container carries CONTAINER_LABEL and is removed on stop, on failure,
 * and when the process is interrupted.
 */
export async function startKeycloakContainer(options: ContainerKeycloakOptions): Promise<ContainerKeycloak> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const cli = options.engine.cli;
  let createdId: string | undefined;
  let forget: (() => void) | undefined;

  /** Publishes on loopback only, and learns the id as soon as the engine created the container. */
  class OwnedContainer extends (GenericContainer as typeof GenericContainerClass) {
    onLoopback(): this {
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
        for (const binding of bindings as Array<{ HostIp?: string }>) binding.HostIp = '127.0.0.1';
      }
      return this;
    }
    protected override async containerCreated(containerId: string): Promise<void> {
      createdId = containerId;
      forget = trackContainer(containerId, cli);
    }
  }

  const admin = {
    username: 'oidcflow-admin',
    password: `fake-admin-${randomBytes(12).toString('base64url')}`,
  };
  const conf = '/opt/keycloak/conf';
  const tlsArguments = options.tls
    ? [
        '--https-port=8443',
        `--https-certificate-file=${conf}/oidcflow-server.pem`,
        `--https-certificate-key-file=${conf}/oidcflow-server-key.pem`,
        '--http-management-scheme=http',
      ]
    : [];
  // A fake key for a throwaway container; readable by the official image's non-root user.
  const tlsFiles = options.tls
    ? [
        { content: options.tls.serverCertificate, target: `${conf}/oidcflow-server.pem`, mode: 0o644 },
        { content: options.tls.serverKey, target: `${conf}/oidcflow-server-key.pem`, mode: 0o644 },
      ]
    : [];
  const caDirectory = options.tls ? await mkdtemp(join(tmpdir(), 'oidcflow-keycloak-ca-')) : undefined;
  const started = Date.now();
  try {
    const definition = new OwnedContainer(options.image)
      // The same build options as the local mode (--db=dev-mem is one), so the dev build kept in
      // the image is used and the start skips Keycloak's re-augmentation (about a minute).
      // start-dev listens on localhost only; in a container that is unreachable from outside.
      .withCommand([
        'start-dev',
        '--import-realm',
        '--db=dev-mem',
        '--http-host=0.0.0.0',
        '--health-enabled=true',
        ...tlsArguments,
      ])
      .withEnvironment({
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      })
      .withLabels({ [CONTAINER_LABEL]: String(process.pid) })
      .withCopyContentToContainer([
        {
          content: options.realmJson,
          target: `/opt/keycloak/data/import/${REALM_NAME}-realm.json`,
          mode: 0o644,
        },
        ...tlsFiles,
      ])
      .withExposedPorts(8080, 9000, ...(options.tls ? [8443] : []))
      .withWaitStrategy(Wait.forHttp('/health/ready', 9000).forStatusCode(200))
      .withStartupTimeout(options.startupTimeoutMs ?? 240_000);
    const container = await (options.engine.local ? definition.onLoopback() : definition).start();
    const startMs = Date.now() - started;
    const containerId = container.getId();
    const host = options.engine.local ? '127.0.0.1' : container.getHost();
    const https =
      options.tls && caDirectory
        ? {
            baseUrl: `https://${host}:${container.getMappedPort(8443)}`,
            caCertPath: await writeCaFile(options.tls, caDirectory),
          }
        : undefined;
    let stopped: Promise<void> | undefined;
    return {
      // Keycloak's dev mode takes the issuer from the Host header: use the IP literal the flows use.
      baseUrl: `http://${host}:${container.getMappedPort(8080)}`,
      ...(https ? { https } : {}),
      admin,
      containerId,
      startMs,
      stop: () => {
        stopped ??= (async () => {
          try {
            await container.stop({ timeout: 10_000, remove: true });
          } finally {
            removeContainerNow(containerId, cli);
            forget?.();
            if (caDirectory) await rm(caDirectory, { recursive: true, force: true });
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    if (createdId) removeContainerNow(createdId, cli);
    forget?.();
    if (caDirectory) await rm(caDirectory, { recursive: true, force: true });
    throw error;
  }
}
