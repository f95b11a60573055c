// The keycloak-container target for real: Keycloak in a container through testcontainers, on
// podman's API service (or a Docker engine). A Ctrl-C of the process that started it must leave
// no container of ours and no podman service behind.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import { labelledContainers } from '../src/container-cleanup.js';
import { dockerEngineAnswers } from '../src/container-runtime.js';
import { podmanEnvironment, podmanInstalled } from '../src/podman-service.js';
import { prepareKeycloakContainer } from '../src/prepare-keycloak-container.js';

const required = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').map((name) => name.trim());
const targetModule = new URL('../dist/index.js', import.meta.url);
const testingModule = new URL('../node_modules/@oidcflow/conformance/dist/testing/index.js', import.meta.url);

async function engineOrSkip(context: TestContext): Promise<'docker' | 'podman'> {
  if (await dockerEngineAnswers()) return 'docker';
  if (podmanInstalled()) return 'podman';
  const reason = 'no container engine here (neither Docker nor podman); .ci/run installs podman';
  if (required.includes('keycloak-container')) throw new Error(reason);
  context.skip(reason);
  throw new Error('unreachable');
}

/** Pids of `podman system service` processes whose socket lies in this harness pid's directory. */
function podmanServicesOf(harnessPid: number): number[] {
  const marker = `oidcflow-podman-${harnessPid}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        return commandLine.includes('service') && commandLine.some((part) => part.includes(marker));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the keycloak-container target', () => {
  it('Ctrl-C (SIGINT) while Keycloak runs in its container leaves no container and no podman service; the realm trusts the CI identity issuer (key given inline)', async (context) => {
    const engine = await engineOrSkip(context);
    if (!existsSync(fileURLToPath(targetModule))) throw new Error('dist is missing: build first');
    const cliDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-podman-cli-test-'));
    const cli =
      engine === 'podman'
        ? { command: 'podman', env: await podmanEnvironment(cliDirectory) }
        : { command: 'docker', env: process.env };
    // The container cannot reach the CI issuer on the host's loopback: its key is given inline.
    const script = `
      import { keycloakTarget } from ${JSON.stringify(targetModule.href)};
      import { tryWorkloadRequests } from ${JSON.stringify(testingModule.href)};
      const running = await keycloakTarget({ name: 'keycloak-container', runtime: 'container' }).start();
      const tried = await tryWorkloadRequests(
        running.workloadIdentity,
        running.issuer + '/protocol/openid-connect/token',
      );
      const workloads = {
        accepted: Object.values(tried.accepted).map((claims) => claims?.client_id ?? null),
        refused: Object.values(tried.refused).map((answer) => answer.body.error_description ?? answer.status),
      };
      process.stdout.write(JSON.stringify({ issuer: running.issuer, workloads }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    parent.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-3_000);
    });
    const harnessPid = parent.pid ?? 0;
    try {
      const { issuer, workloads } = await new Promise<{
        issuer: string;
        workloads: { accepted: unknown[]; refused: unknown[] };
      }>((resolve, reject) => {
        let line = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          line += chunk.toString();
          if (line.includes('\n')) resolve(JSON.parse(line.slice(0, line.indexOf('\n'))));
        });
        parent.once('exit', () =>
          reject(new Error(`the parent exited before Keycloak was ready:\n${stderr}`)),
        );
      });
      // It really serves the realm from the container.
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
      // Federated client authentication: each platform token is its bound client's credential.
      expect(workloads.accepted).toEqual([
        'oidcflow-workload-github',
        'oidcflow-workload-gitlab',
        'oidcflow-workload-kubernetes',
      ]);
      expect(workloads.refused).toEqual([
        'Invalid token audience',
        'Token is not active',
        'Invalid client or Invalid client credentials',
      ]);
      expect(labelledContainers(cli, String(harnessPid))).toHaveLength(1);
      if (engine === 'podman') expect(podmanServicesOf(harnessPid).length).toBeGreaterThan(0);

      const exited = new Promise<string | null>((resolve) =>
        parent.once('exit', (_code, signal) => resolve(signal)),
      );
      parent.kill('SIGINT');
      expect(await Promise.race([exited, sleep(60_000).then(() => 'still running')])).toBe('SIGINT');
      expect(labelledContainers(cli, String(harnessPid))).toEqual([]);
      // The service's group got SIGKILL; give the kernel a moment to reap it (bounded).
      for (let attempt = 0; attempt < 50 && podmanServicesOf(harnessPid).length > 0; attempt += 1)
        await sleep(100);
      expect(podmanServicesOf(harnessPid)).toEqual([]);
      expect(existsSync(join(tmpdir(), `oidcflow-podman-${harnessPid}`))).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      await rm(cliDirectory, { recursive: true, force: true });
    }
  }, 420_000);
});

describe('prepare-keycloak-container', () => {
  it('reuses the image built for the same Keycloak version, JDK and realm file', async (context) => {
    const engine = await engineOrSkip(context);
    if (engine === 'docker') context.skip('a Docker engine pulls the official image; nothing is built');
    // The first call builds when .ci/run has not prepared it yet (minutes); the second must not.
    const first = await prepareKeycloakContainer();
    const started = Date.now();
    const second = await prepareKeycloakContainer();
    expect(second.engine).toBe('podman');
    if (first.engine !== 'podman' || second.engine !== 'podman') throw new Error('expected podman');
    expect(second.image).toBe(first.image);
    expect(second.image).toMatch(/^localhost\/oidcflow-keycloak:[0-9.]+-[0-9a-f]{16}$/);
    expect(second.reused).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 900_000);
});
