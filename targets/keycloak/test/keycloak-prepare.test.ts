import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { groupAlive, killGroup, majorOf, TargetUnavailable } from '@oidcflow/conformance/targets';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareDistribution } from '../src/distribution.js';
import { keycloakTarget } from '../src/index.js';
import { patchedRealm, REALM_CLIENTS, REALM_USERNAME } from '../src/realm-file.js';

const VERSION = '0.0.0-test';
const ARTIFACT_PATH = `/org/keycloak/keycloak-quarkus-dist/${VERSION}/keycloak-quarkus-dist-${VERSION}.tar.gz`;

/** A stand-in for Maven Central: serves a tiny "distribution" and its sha1, counting requests. */
interface FakeRepository {
  url: string;
  requests: string[];
  /** What the .sha1 says; a wrong one simulates a corrupted download. */
  sha1: string;
  close(): Promise<void>;
}

let archive: Buffer;
let workDirectory: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-keycloak-prepare-'));
  const source = join(workDirectory, 'source');
  await mkdir(join(source, `keycloak-${VERSION}`, 'bin'), { recursive: true });
  await writeFile(join(source, `keycloak-${VERSION}`, 'bin', 'kc.sh'), '#!/bin/sh\nexit 0\n', {
    mode: 0o755,
  });
  // Some bulk, so the progress line has something to count.
  await writeFile(join(source, `keycloak-${VERSION}`, 'filler.bin'), Buffer.alloc(2_000_000, 7));
  execFileSync('tar', ['-czf', join(workDirectory, 'dist.tar.gz'), '-C', source, `keycloak-${VERSION}`]);
  archive = await readFile(join(workDirectory, 'dist.tar.gz'));
  return () => rm(workDirectory, { recursive: true, force: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fakeRepository(options: { wrongSha1?: boolean } = {}): Promise<FakeRepository> {
  const sha1 = options.wrongSha1 ? 'f'.repeat(40) : createHash('sha1').update(archive).digest('hex');
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === `${ARTIFACT_PATH}.sha1`)
      response.end(`${sha1}  keycloak-quarkus-dist-${VERSION}.tar.gz\n`);
    else if (request.url === ARTIFACT_PATH) {
      response.setHeader('content-length', archive.length);
      response.end(archive);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const repository = {
    url: `http://127.0.0.1:${port}/`,
    requests,
    sha1,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  cleanups.push(repository.close);
  return repository;
}

async function emptyCache(): Promise<string> {
  return mkdtemp(join(workDirectory, 'cache-'));
}

/** An address where nothing listens (a port that was free a moment ago). */
async function deadRepositoryUrl(): Promise<string> {
  const repository = await fakeRepository();
  await repository.close();
  return repository.url;
}

function recordingOutput(isTTY: boolean) {
  const lines: string[] = [];
  return { isTTY, lines, write: (text: string) => lines.push(text) };
}

describe('prepareDistribution', () => {
  it('downloads, checks the sha1 and unpacks once; a second call needs no network', async () => {
    const repository = await fakeRepository();
    const cacheDirectory = await emptyCache();
    const output = recordingOutput(false);
    const first = await prepareDistribution({
      version: VERSION,
      cacheDirectory,
      repositoryUrl: repository.url,
      output,
    });
    expect(first).toMatchObject({
      downloaded: true,
      unpacked: true,
      home: join(cacheDirectory, `keycloak-${VERSION}`),
    });
    expect(existsSync(join(first.home, 'bin', 'kc.sh'))).toBe(true);
    expect(await readFile(`${first.archivePath}.sha1`, 'utf8')).toBe(`${repository.sha1}\n`);
    // Not a terminal: one status line, no percentages.
    expect(output.lines.join('')).not.toMatch(/%/);

    await repository.close();
    const requestsBefore = repository.requests.length;
    const second = await prepareDistribution({
      version: VERSION,
      cacheDirectory,
      repositoryUrl: repository.url,
      output,
    });
    expect(second).toMatchObject({ downloaded: false, unpacked: false, home: first.home });
    expect(repository.requests.length).toBe(requestsBefore);
  });

  it('shows progress percentages on a terminal', async () => {
    const repository = await fakeRepository();
    const output = recordingOutput(true);
    await prepareDistribution({
      version: VERSION,
      cacheDirectory: await emptyCache(),
      repositoryUrl: repository.url,
      output,
    });
    expect(output.lines.join('')).toMatch(/\d+% \(\d+ of \d+ MB\)/);
  });

  it('unpacks a cached archive again without network when the unpacked copy is gone', async () => {
    const repository = await fakeRepository();
    const cacheDirectory = await emptyCache();
    const first = await prepareDistribution({
      version: VERSION,
      cacheDirectory,
      repositoryUrl: repository.url,
      output: recordingOutput(false),
    });
    await rm(first.home, { recursive: true });
    const again = await prepareDistribution({
      version: VERSION,
      cacheDirectory,
      repositoryUrl: await deadRepositoryUrl(),
      output: recordingOutput(false),
    });
    expect(again).toMatchObject({ downloaded: false, unpacked: true });
    expect(existsSync(join(again.home, 'bin', 'kc.sh'))).toBe(true);
  });

  it('refuses an archive whose sha1 does not match, and keeps nothing of it', async () => {
    const repository = await fakeRepository({ wrongSha1: true });
    const cacheDirectory = await emptyCache();
    const attempt = prepareDistribution({
      version: VERSION,
      cacheDirectory,
      repositoryUrl: repository.url,
      output: recordingOutput(false),
    });
    await expect(attempt).rejects.toThrow(/does not match the repository's sha1/);
    await expect(attempt).rejects.not.toBeInstanceOf(TargetUnavailable);
    expect(existsSync(join(cacheDirectory, `keycloak-quarkus-dist-${VERSION}.tar.gz`))).toBe(false);
    expect(existsSync(join(cacheDirectory, `keycloak-${VERSION}`))).toBe(false);
  });

  it('says Keycloak is unavailable (cause keycloak) with no network and no cache', async () => {
    const attempt = prepareDistribution({
      version: VERSION,
      cacheDirectory: await emptyCache(),
      repositoryUrl: await deadRepositoryUrl(),
      output: recordingOutput(false),
    });
    await expect(attempt).rejects.toBeInstanceOf(TargetUnavailable);
    await expect(attempt).rejects.toMatchObject({
      skipCause: 'keycloak',
      message: expect.stringMatching(/prepare-keycloak/),
    });
  });
});

describe('keycloakTarget', () => {
  it('start() throws TargetUnavailable when the distribution cannot be obtained', async () => {
    const target = keycloakTarget({
      runtime: 'local',
      version: VERSION,
      cacheDirectory: await emptyCache(),
      repositoryUrl: await deadRepositoryUrl(),
      output: recordingOutput(false),
    });
    expect(target.name).toBe('keycloak');
    await expect(target.start()).rejects.toMatchObject({ name: 'TargetUnavailable', skipCause: 'keycloak' });
  });
});

describe('the realm file', () => {
  it('gets a fresh fake password and client secret each run, and keeps the settings the scenarios rely on', async () => {
    const first = await patchedRealm();
    const second = await patchedRealm();
    expect(first.userPassword).toMatch(/^fake-password-/);
    expect(first.serviceClientSecret).toMatch(/^fake-secret-/);
    expect(second.userPassword).not.toBe(first.userPassword);
    expect(first.json).not.toContain('@@');

    const realm = JSON.parse(first.json);
    expect(realm).toMatchObject({
      realm: 'oidcflow',
      revokeRefreshToken: true,
      refreshTokenMaxReuse: 0,
      oauth2DevicePollingInterval: 1,
    });
    const client = (clientId: string) =>
      realm.clients.find((entry: { clientId: string }) => entry.clientId === clientId);
    expect(client(REALM_CLIENTS.authCode)).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      consentRequired: true,
      redirectUris: ['http://127.0.0.1/callback'],
      attributes: { 'pkce.code.challenge.method': 'S256' },
    });
    expect(client(REALM_CLIENTS.device)).toMatchObject({
      publicClient: true,
      attributes: { 'oauth2.device.authorization.grant.enabled': 'true' },
    });
    expect(client(REALM_CLIENTS.device).attributes['pkce.code.challenge.method']).toBeUndefined();
    expect(client(REALM_CLIENTS.service)).toMatchObject({
      publicClient: false,
      serviceAccountsEnabled: true,
      secret: first.serviceClientSecret,
    });
    for (const clientId of [REALM_CLIENTS.authCode, REALM_CLIENTS.device, REALM_CLIENTS.service]) {
      const mapper = client(clientId).protocolMappers.find(
        (entry: { protocolMapper: string }) => entry.protocolMapper === 'oidc-audience-mapper',
      );
      expect(mapper.config['included.client.audience']).toBe(REALM_CLIENTS.api);
    }
    expect(client(REALM_CLIENTS.api)).toBeDefined();
    const [user] = realm.users;
    expect(user).toMatchObject({ username: REALM_USERNAME, emailVerified: true, enabled: true });
    expect(user.email && user.firstName && user.lastName).toBeTruthy();
    expect(user.credentials[0]).toMatchObject({
      type: 'password',
      value: first.userPassword,
      temporary: false,
    });
  });
});

describe('java versions', () => {
  it('reads the feature release from java -version strings', () => {
    expect(majorOf('25.0.3')).toBe(25);
    expect(majorOf('17.0.15')).toBe(17);
    expect(majorOf('21')).toBe(21);
    expect(majorOf('1.8.0_392')).toBe(8);
  });
});

describe('process groups of a target', () => {
  const processGroupModule = pathToFileURL(
    createRequire(import.meta.url).resolve('@oidcflow/conformance/targets'),
  );

  /**
   * A parent process that tracks a group (a `sleep` standing in for kc.sh + java) and its
   * temporary directory. Like a process that loaded testcontainers, it also has a signal-exit
   * style listener that re-raises the signal only when it is the last listener.
   */
  async function parentWithGroup() {
    if (!existsSync(fileURLToPath(processGroupModule))) {
      throw new Error('dist is missing: build first (pnpm --filter @oidcflow/conformance build)');
    }
    const directory = await mkdtemp(join(workDirectory, 'run-'));
    const script = `
      import { spawn } from 'node:child_process';
      import { trackGroup } from ${JSON.stringify(processGroupModule.href)};
      function polite(signal) {
        if (process.listeners(signal).length === 1) {
          process.off(signal, polite);
          process.kill(process.pid, signal);
        }
      }
      process.on('SIGINT', polite);
      const child = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
      trackGroup(child.pid, ${JSON.stringify(directory)});
      process.stdout.write(child.pid + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const groupId = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', () => reject(new Error('the parent exited before reporting its group')));
    });
    cleanups.push(async () => {
      parent.kill('SIGKILL');
      killGroup(groupId, 'SIGKILL');
    });
    // Bounded: a parent that ignores the signal shows up as 'still running', not as a hung test.
    const exited = Promise.race([
      new Promise<string | null>((resolve) => parent.once('exit', (_code, signal) => resolve(signal))),
      sleep(10_000).then(() => 'still running'),
    ]);
    return { parent, groupId, directory, exited };
  }

  async function groupGoneWithin(groupId: number, timeoutMs: number): Promise<boolean> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      if (!groupAlive(groupId)) return true;
      await sleep(100);
    }
    return !groupAlive(groupId);
  }

  it('are killed when the parent gets SIGINT, and the parent still ends by SIGINT', async () => {
    const { parent, groupId, directory, exited } = await parentWithGroup();
    expect(groupAlive(groupId)).toBe(true);
    parent.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(await groupGoneWithin(groupId, 2_000)).toBe(true);
    expect(existsSync(directory)).toBe(false);
  });

  it('are killed by the watchdog when the parent is killed outright (SIGKILL)', async () => {
    const { parent, groupId, directory, exited } = await parentWithGroup();
    parent.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await groupGoneWithin(groupId, 5_000)).toBe(true);
    // The watchdog removes the directory right after the group; allow it a moment.
    for (let attempt = 0; attempt < 20 && existsSync(directory); attempt += 1) await sleep(100);
    expect(existsSync(directory)).toBe(false);
  });
});
