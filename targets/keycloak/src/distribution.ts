import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { downloadProgress, type ProgressOutput, TargetUnavailable } from '@oidcflow/conformance/targets';
import { defaultKeycloakCacheDirectory } from './cache-directory.js';
import {
  distributionFileName,
  distributionUrl,
  KEYCLOAK_VERSION,
  repositoryFromEnvironment,
} from './version.js';

export interface PrepareDistributionOptions {
  /** @default KEYCLOAK_VERSION */
  version?: string;
  /** @default OIDCFLOW_KEYCLOAK_CACHE, else ~/.cache/oidcflow/keycloak */
  cacheDirectory?: string;
  /** Status lines when something is downloaded or unpacked; percentages only if it is a TTY. @default process.stderr */
  output?: ProgressOutput;
  /** The whole download, after which it is abandoned. @default 20 minutes */
  downloadTimeoutMs?: number;
  /** A Maven repository in Maven Central's layout. @default OIDCFLOW_KEYCLOAK_REPOSITORY, else Maven Central */
  repositoryUrl?: string;
}

/** A Keycloak distribution unpacked in the cache, ready to start. */
export interface PreparedKeycloak {
  version: string;
  /** The cache it lives in (OIDCFLOW_KEYCLOAK_CACHE or ~/.cache/oidcflow/keycloak). */
  cacheDirectory: string;
  /** The unpacked distribution (`bin/kc.sh` inside). Runs work on a copy of it. */
  home: string;
  /** The checksum-verified archive it came from. */
  archivePath: string;
  /** This call downloaded the archive (false: it was cached). */
  downloaded: boolean;
  /** This call unpacked the archive (false: it was unpacked before). */
  unpacked: boolean;
  /** How long the download and the unpacking took in this call, in ms (0 when skipped). */
  downloadMs: number;
  unpackMs: number;
}

/** Written into the unpacked directory last, so a half-unpacked directory is never mistaken for a ready one. */
const READY_MARKER = '.oidcflow-ready';
/** No byte for this long means the connection is dead. */
const STALL_TIMEOUT_MS = 60_000;
const UNPACK_TIMEOUT_MS = 5 * 60_000;

/**
 * Downloads the Keycloak distribution from Maven Central, checks it against Maven Central's
 * `.sha1`, and unpacks it into the cache. Idempotent and cheap once done: a ready directory is
 * returned without any network access. Safe when two processes prepare at once: each works in
 * its own temporary names and the first rename wins.
 *
 * Throws `TargetUnavailable` (skip cause 'keycloak') when the archive cannot be obtained (no
 * network and no cache); throws a plain Error when what was obtained is wrong (checksum, tar).
 */
export async function prepareDistribution(
  options: PrepareDistributionOptions = {},
): Promise<PreparedKeycloak> {
  const version = options.version ?? KEYCLOAK_VERSION;
  const cacheDirectory = options.cacheDirectory ?? defaultKeycloakCacheDirectory();
  const output = options.output ?? process.stderr;
  const repositoryUrl = options.repositoryUrl ?? repositoryFromEnvironment();
  const home = join(cacheDirectory, `keycloak-${version}`);
  const archivePath = join(cacheDirectory, distributionFileName(version));
  const prepared = {
    version,
    cacheDirectory,
    home,
    archivePath,
    downloaded: false,
    unpacked: false,
    downloadMs: 0,
    unpackMs: 0,
  };

  if (await exists(join(home, READY_MARKER))) return prepared;

  try {
    await mkdir(cacheDirectory, { recursive: true });
  } catch (error) {
    throw new TargetUnavailable(
      `the Keycloak cache directory ${cacheDirectory} cannot be created (${messageOf(error)}); set OIDCFLOW_KEYCLOAK_CACHE to a writable directory`,
      'keycloak',
      { cause: error },
    );
  }

  const expectedSha1 = await expectedChecksum(version, archivePath, repositoryUrl);
  if (!(await archiveMatches(archivePath, expectedSha1))) {
    const startedAt = Date.now();
    await obtainArchive({
      version,
      repositoryUrl,
      archivePath,
      expectedSha1,
      output,
      timeoutMs: options.downloadTimeoutMs ?? 20 * 60_000,
    });
    prepared.downloaded = true;
    prepared.downloadMs = Date.now() - startedAt;
  }

  const startedAt = Date.now();
  await unpack({ version, archivePath, cacheDirectory, home, output });
  prepared.unpacked = true;
  prepared.unpackMs = Date.now() - startedAt;
  return prepared;
}

/**
 * The sha1 Maven Central publishes beside the archive. Kept next to the cached archive, so a
 * later run without network can still check what it unpacks.
 */
async function expectedChecksum(
  version: string,
  archivePath: string,
  repositoryUrl: string,
): Promise<string> {
  const storedPath = `${archivePath}.sha1`;
  try {
    const stored = parseSha1(await readFile(storedPath, 'utf8'));
    if (stored) return stored;
  } catch {
    // Not stored yet: ask Maven Central below.
  }
  const url = `${distributionUrl(version, repositoryUrl)}.sha1`;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw new TargetUnavailable(
      `Keycloak ${version} is not in the cache and its Maven repository cannot be reached (${url}: ${messageOf(error)}); connect to the network once, or run \`oidcflow-conformance prepare-keycloak\` where it can`,
      'keycloak',
      { cause: error },
    );
  }
  const sha1 = parseSha1(text);
  if (!sha1)
    throw new Error(
      `the Maven repository answered ${url} with something that is not a sha1; try again later`,
    );
  await writeFile(storedPath, `${sha1}\n`);
  return sha1;
}

function parseSha1(text: string): string | undefined {
  const candidate = text.trim().split(/\s+/)[0]?.toLowerCase();
  return candidate && /^[0-9a-f]{40}$/.test(candidate) ? candidate : undefined;
}

async function archiveMatches(path: string, expectedSha1: string): Promise<boolean> {
  if (!(await exists(path))) return false;
  return (await sha1OfFile(path)) === expectedSha1;
}

interface ObtainInput {
  version: string;
  repositoryUrl: string;
  archivePath: string;
  expectedSha1: string;
  output: ProgressOutput;
  timeoutMs: number;
}

/** Takes the archive from the local Maven repository when `mvn` fetched it before, else downloads it. */
async function obtainArchive(input: ObtainInput): Promise<void> {
  const partPath = `${input.archivePath}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  try {
    const fromMaven = join(
      homedir(),
      '.m2/repository/org/keycloak/keycloak-quarkus-dist',
      input.version,
      distributionFileName(input.version),
    );
    if (await archiveMatches(fromMaven, input.expectedSha1)) {
      await copyFile(fromMaven, partPath);
    } else {
      await download({ ...input, partPath });
      const actual = await sha1OfFile(partPath);
      if (actual !== input.expectedSha1) {
        throw new Error(
          `the downloaded Keycloak ${input.version} archive does not match the repository's sha1 (expected ${input.expectedSha1}, got ${actual}); it was deleted — run again, and check for a proxy that rewrites downloads if it repeats`,
        );
      }
    }
    await rename(partPath, input.archivePath);
  } finally {
    await rm(partPath, { force: true });
  }
}

async function download(input: ObtainInput & { partPath: string }): Promise<void> {
  const url = distributionUrl(input.version, input.repositoryUrl);
  const controller = new AbortController();
  const overall = setTimeout(
    () => controller.abort(new Error(`no complete download within ${input.timeoutMs} ms`)),
    input.timeoutMs,
  );
  let stall: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(stall);
    stall = setTimeout(
      () => controller.abort(new Error(`no data for ${STALL_TIMEOUT_MS / 1000} s`)),
      STALL_TIMEOUT_MS,
    );
  };
  try {
    armStallTimer();
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      throw new TargetUnavailable(
        `Keycloak ${input.version} cannot be downloaded (${url}: ${messageOf(error)}); check the network, or run \`oidcflow-conformance prepare-keycloak\` where it works`,
        'keycloak',
        { cause: error },
      );
    }
    const totalBytes = Number(response.headers.get('content-length')) || undefined;
    const label = `Downloading Keycloak ${input.version}`;
    input.output.write(
      `oidcflow: downloading Keycloak ${input.version} from ${new URL(url).host}${totalBytes ? ` (${Math.round(totalBytes / 1_000_000)} MB)` : ''}\n`,
    );
    const progress = downloadProgress(input.output, label, totalBytes);
    let receivedBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        receivedBytes += chunk.length;
        armStallTimer();
        progress.update(receivedBytes);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(input.partPath),
      );
    } catch (error) {
      throw new Error(
        `the download of Keycloak ${input.version} broke off after ${Math.round(receivedBytes / 1_000_000)} MB (${messageOf(controller.signal.reason ?? error)}); run again`,
        { cause: error },
      );
    } finally {
      progress.finish();
    }
  } finally {
    clearTimeout(overall);
    clearTimeout(stall);
  }
}

interface UnpackInput {
  version: string;
  archivePath: string;
  cacheDirectory: string;
  home: string;
  output: ProgressOutput;
}

/** Unpacks into a private directory, then renames it into place (the commit point). */
async function unpack(input: UnpackInput): Promise<void> {
  const workDirectory = join(
    input.cacheDirectory,
    `.unpack-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(workDirectory, { recursive: true });
  try {
    if (input.output.isTTY)
      input.output.write(`oidcflow: unpacking Keycloak ${input.version} into ${input.home}\n`);
    await runTar(['-xzf', input.archivePath, '-C', workDirectory]);
    const unpacked = join(workDirectory, `keycloak-${input.version}`);
    if (!(await exists(join(unpacked, 'bin', 'kc.sh')))) {
      throw new Error(
        `the Keycloak ${input.version} archive has no keycloak-${input.version}/bin/kc.sh; delete ${input.archivePath} and run again`,
      );
    }
    await writeFile(join(unpacked, READY_MARKER), `${new Date().toISOString()}\n`);
    if (await exists(join(input.home, READY_MARKER))) return; // Another process finished first.
    await rm(input.home, { recursive: true, force: true }); // A leftover without the marker.
    try {
      await rename(unpacked, input.home);
    } catch (error) {
      if (!(await exists(join(input.home, READY_MARKER)))) throw error;
    }
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
}

function runTar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: UNPACK_TIMEOUT_MS });
    let errorText = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errorText = (errorText + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (error) =>
      reject(new Error(`tar could not run (${error.message}); install tar`, { cause: error })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`tar ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${errorText.trim()}`));
    });
  });
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
