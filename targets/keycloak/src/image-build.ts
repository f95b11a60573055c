import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JavaRuntime, ProgressOutput } from '@oidcflow/conformance/targets';
import type { EngineCli } from './container-cleanup.js';
import { devBuildDirectory, restoreDevBuild } from './dev-build-cache.js';
import type { PreparedKeycloak } from './distribution.js';
import { REALM_FILE_PATH } from './realm-file.js';

/**
 * A Keycloak image built on this machine, for engines that cannot pull one (no registry
 * reachable): a Debian bookworm minbase root file system from debootstrap (kept in the cache),
 * the local JDK and the Maven Central distribution copied in, then `podman import`. The tag is a
 * hash of the inputs (Keycloak version, JDK, realm file), so a run reuses the image while they
 * stay the same and builds a new one when one changes.
 */
export const LOCAL_IMAGE_REPOSITORY = 'localhost/oidcflow-keycloak';
const READY_MARKER = '.oidcflow-ready';
const DEBIAN_SUITE = 'bookworm';

export interface LocalImageOptions {
  prepared: PreparedKeycloak;
  java: JavaRuntime;
  /** The podman CLI and its environment (CONTAINERS_CONF). */
  engine: EngineCli;
  /** @default OIDCFLOW_DEBIAN_MIRROR, else the first mirror apt is configured with, else deb.debian.org */
  mirror?: string;
  output?: ProgressOutput;
}

export interface LocalImage {
  image: string;
  /** The image existed already: nothing was built. */
  reused: boolean;
  /** The debootstrap root file system was built by this call. */
  builtRootfs: boolean;
  seconds: number;
}

export async function localImageName(prepared: PreparedKeycloak, java: JavaRuntime): Promise<string> {
  const realm = await readFile(REALM_FILE_PATH);
  const key = createHash('sha256')
    .update(`keycloak ${prepared.version}\njava ${java.version} ${java.javaHome}\nrealm `)
    .update(realm)
    .digest('hex')
    .slice(0, 16);
  return `${LOCAL_IMAGE_REPOSITORY}:${prepared.version}-${key}`;
}

export function imageExists(engine: EngineCli, image: string): boolean {
  const result = spawnSync(engine.command, ['image', 'inspect', '--format', '{{.Id}}', image], {
    env: engine.env,
    stdio: 'ignore',
    timeout: 60_000,
  });
  return result.status === 0;
}

/** Returns the image for these inputs, building it (and the root file system) only when missing. */
export async function ensureLocalKeycloakImage(options: LocalImageOptions): Promise<LocalImage> {
  const started = Date.now();
  const image = await localImageName(options.prepared, options.java);
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  if (imageExists(options.engine, image))
    return { image, reused: true, builtRootfs: false, seconds: seconds() };

  const containerCache = join(options.prepared.cacheDirectory, 'container');
  await mkdir(containerCache, { recursive: true });
  const rootfs = join(containerCache, `rootfs-${DEBIAN_SUITE}`);
  const builtRootfs = !(await isReady(rootfs));
  if (builtRootfs) {
    options.output?.write(
      `Building a Debian ${DEBIAN_SUITE} root file system with debootstrap (about a minute)…\n`,
    );
    await buildRootfs(rootfs, options.mirror ?? (await debianMirror()));
  }

  options.output?.write(`Building the container image ${image}…\n`);
  const stage = join(containerCache, `stage-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await run('cp', ['-a', rootfs, stage]);
    await rm(join(stage, READY_MARKER), { force: true });
    await copyJdk(options.java, stage);
    const home = join(stage, 'opt', 'keycloak');
    await run('cp', ['-a', options.prepared.home, home]);
    // The kept dev-mode build spares the container's first start its re-augmentation.
    await restoreDevBuild(
      devBuildDirectory(options.prepared.cacheDirectory, options.prepared.version, options.java.major),
      home,
    );
    await mkdir(join(home, 'data', 'import'), { recursive: true });
    const tarball = `${stage}.tar`;
    try {
      await run('tar', ['-C', stage, '-cf', tarball, '.']);
      await run(
        options.engine.command,
        [
          'import',
          '--change',
          'ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]',
          '--change',
          'ENV JAVA_HOME=/opt/java',
          '--change',
          'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          '--change',
          'WORKDIR /opt/keycloak',
          '--change',
          'EXPOSE 8080',
          '--message',
          `oidcflow: Keycloak ${options.prepared.version} on Java ${options.java.version}`,
          tarball,
          image,
        ],
        options.engine.env,
      );
    } finally {
      await rm(tarball, { force: true });
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return { image, reused: false, builtRootfs, seconds: seconds() };
}

/** The JDK at /opt/java, with a real trust store where the host's is a symlink (Debian, Temurin). */
async function copyJdk(java: JavaRuntime, stage: string): Promise<void> {
  const target = join(stage, 'opt', 'java');
  await mkdir(join(stage, 'opt'), { recursive: true });
  await run('cp', ['-a', await realpath(java.javaHome), target]);
  const cacerts = join(target, 'lib', 'security', 'cacerts');
  const hostCacerts = await realpath(join(java.javaHome, 'lib', 'security', 'cacerts'));
  await rm(cacerts, { force: true });
  await copyFile(hostCacerts, cacerts);
  // Keycloak also looks for the system trust store where Debian keeps it.
  await mkdir(join(stage, 'etc', 'ssl', 'certs', 'java'), { recursive: true });
  await copyFile(hostCacerts, join(stage, 'etc', 'ssl', 'certs', 'java', 'cacerts'));
}

async function buildRootfs(rootfs: string, mirror: string): Promise<void> {
  const work = `${rootfs}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await run('debootstrap', ['--variant=minbase', '--include=ca-certificates', DEBIAN_SUITE, work, mirror]);
    await writeFile(join(work, READY_MARKER), `${new Date().toISOString()} ${mirror}\n`);
    // A concurrent build may have finished first: keep either, they are the same.
    await rename(work, rootfs).catch(async (error: unknown) => {
      if (!(await isReady(rootfs))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function isReady(directory: string): Promise<boolean> {
  try {
    await access(join(directory, READY_MARKER));
    return true;
  } catch {
    return false;
  }
}

/** OIDCFLOW_DEBIAN_MIRROR, else the first `URIs:`/`deb` line apt uses, else deb.debian.org. */
export async function debianMirror(environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = environment.OIDCFLOW_DEBIAN_MIRROR?.trim();
  if (override) return override;
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const uri =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text)?.[1] ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

/** Runs a command to completion; on failure the error carries the end of its output. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-3_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args[0]} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}
