// The consumer-tool scenarios once more with `oidcflow` as the single executable
// (scripts/build-binary.mjs: release/oidcflow-<version>-<os>-<arch>/oidcflow) as kubectl's exec
// plugin and git's credential helper, with no `node` on the PATH kubectl, git and oidcflow get:
// the real tools, the embedded IdP, the browser and device rows. .ci/run builds the executable;
// without it the test skips, unless OIDCFLOW_REQUIRE names `binary` (CI), where it fails.
// And its keyring cache, in a real Secret Service session: the binding opened from the
// executable's own asset, unpacked once, and no token in clear.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  forgetKernelKeysUnder,
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  startSecretService,
} from '@oidcflow/cache-keyring/testing';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserProvider } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import { requiredFromEnv } from '../src/matrix/require.js';
import { runCell } from '../src/matrix/run-cell.js';
import { firstPartySubjects } from '../src/matrix/subjects.js';
import { gitCredential, kubectl } from '../src/scenarios/index.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { consumerPath, findExecutable } from '../src/support/executables.js';
import { runTool } from '../src/support/run-tool.js';
import { createTrafficMeter } from '../src/support/traffic.js';
import { embeddedOidcProviderTarget } from '../src/targets/oidc-provider/embedded-target.js';
import type { RunningTarget } from '../src/targets/target.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version;
const executable =
  process.env.OIDCFLOW_CONFORMANCE_BINARY ??
  join(
    root,
    'release',
    `oidcflow-${version}-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`,
    'oidcflow',
  );
const required = requiredFromEnv();
const missing = existsSync(executable)
  ? undefined
  : `${executable} is not built (pnpm build:binary, with Node 24)`;

describe.skipIf(missing !== undefined && !required.has('binary'))(
  `kubectl and git with the single executable, no node on PATH ${missing ? `(skipped: ${missing})` : ''}`,
  () => {
    let target: RunningTarget;
    let browser: BrowserProvider;
    let runDirectory: string;
    let traffic: Awaited<ReturnType<typeof createTrafficMeter>> | undefined;
    const previous = process.env.OIDCFLOW_CONFORMANCE_BINARY;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names binary, but ${missing}`);
      process.env.OIDCFLOW_CONFORMANCE_BINARY = executable;
      target = await embeddedOidcProviderTarget({ tls: false }).start();
      traffic = await createTrafficMeter(target);
      browser = await launchChromium();
      runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-single-executable-'));
    }, 120_000);
    afterAll(async () => {
      if (previous === undefined) delete process.env.OIDCFLOW_CONFORMANCE_BINARY;
      else process.env.OIDCFLOW_CONFORMANCE_BINARY = previous;
      await browser?.close();
      await traffic?.stop();
      await target?.stop();
      if (runDirectory) await rm(runDirectory, { recursive: true, force: true });
    });

    it('the consumers get a PATH without node', () => {
      expect(findExecutable('node', { PATH: consumerPath() })).toBeUndefined();
      expect(findExecutable('node')).toBeDefined();
    });

    const run = async (scenario: Scenario, flowName: string) => {
      const subject = (await firstPartySubjects()).find((candidate) => candidate.flowName === flowName)!;
      return runCell({
        target,
        subject,
        scenario,
        browser,
        ...(traffic ? { traffic } : {}),
        runDirectory,
        timeoutMs: 240_000,
        required,
      });
    };
    for (const scenario of [kubectl, gitCredential]) {
      for (const flowName of ['auth_code', 'device']) {
        it(`${scenario.name}, ${flowName}: passes with the executable as the plugin`, async () => {
          const result = await run(scenario, flowName);
          expect(result.status, result.detail).toBe('passed');
        }, 300_000);
      }
    }
  },
);

/** `oidcflow <args>` of the executable, with no node on PATH (its process group killed after 60 s). */
const runExecutable = (args: readonly string[], env: NodeJS.ProcessEnv) =>
  runTool({ command: executable, args, env: { PATH: consumerPath(), ...env }, timeoutMs: 60_000 });

const noSecretService = secretServiceMissing();
describe.skipIf(
  (missing !== undefined && !required.has('binary')) || (noSecretService !== undefined && !keyringRequired()),
)(
  `the executable's keyring cache in a Secret Service session ${(missing ?? noSecretService) ? `(skipped: ${missing ?? noSecretService})` : ''}`,
  () => {
    let idp: TestIdp;
    let service: SecretService;
    let home: string;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names binary, but ${missing}`);
      if (noSecretService) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${noSecretService}`);
      idp = await startTestIdp();
      service = await startSecretService();
      home = await mkdtemp(join(tmpdir(), 'oidcflow-executable-keyring-'));
    }, 60_000);
    afterAll(async () => {
      if (home) {
        forgetKernelKeysUnder(home);
        await rm(home, { recursive: true, force: true });
      }
      await service?.stop();
      await idp?.stop();
    });

    it('stores tokens sealed, answers the next call from the keyring, opens the binding it unpacked once', async () => {
      const cachePath = join(home, 'token-cache');
      const env = {
        HOME: home,
        DBUS_SESSION_BUS_ADDRESS: service.env.DBUS_SESSION_BUS_ADDRESS,
        OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret,
      };
      const args = ['--issuer', idp.issuer, '--client-id', idp.clients.ci.clientId, '--client-credentials'];
      const first = await runExecutable(['token', ...args, '--cache-path', cachePath], env);
      expect(first.code, first.output).toBe(0);
      // Nothing on stderr: no fallback notice, no warning.
      expect(first.output).toBe(first.stdout);
      const token = first.stdout.trim();
      expect(token.length).toBeGreaterThan(20);

      // The binding, from the executable's asset: one file named by its SHA-256, the user's only.
      const native = join(home, '.cache', 'oidcflow', 'native');
      const bindings = await readdir(native);
      expect(bindings).toEqual([expect.stringMatching(/^keyring-[0-9a-f]{32}-linux-x64\.node$/)]);
      const unpacked = statSync(join(native, bindings[0]!));
      expect(unpacked.mode & 0o077).toBe(0);

      // A hit in a new process: the same token, nothing said, the same binding file.
      const hit = await runExecutable(['token', ...args, '--cache-path', cachePath], env);
      expect(hit.code, hit.output).toBe(0);
      expect(hit.stdout.trim()).toBe(token);
      expect(hit.output).toBe(hit.stdout);
      expect(statSync(join(native, bindings[0]!)).mtimeMs).toBe(unpacked.mtimeMs);
      const status = await runExecutable(['status', ...args, '--cache-path', cachePath], env);
      expect(status.stdout).toMatch(/cache store:\s+keyring: the OS keyring answered/);

      const names = await readdir(home, { recursive: true });
      expect(names.some((name) => name.endsWith('.sealed'))).toBe(true);
      for (const name of names) {
        const text = await readFile(join(home, name), 'latin1').catch(() => '');
        expect(text.includes(token), name).toBe(false);
      }
    }, 120_000);
  },
);
