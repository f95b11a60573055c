// A user's project gets the keyring cache the way pnpm installs it: the packages as `pnpm pack`
// makes them, installed with pnpm into a fresh workspace outside this one, the program in a
// sub-package (`tool`) and `hoist=false`, pnpm's strictest isolated layout. There core can reach
// @oidcflow/cache-keyring only because it is core's optional peer (pnpm then links it beside
// core); without that entry `auto` silently keeps the tokens in clear. The program names no
// plugin and no loader: core finds the keyring cache by itself, and `explain()` says which store
// holds the tokens and why, with a Secret Service (scripts/with-secret-service.sh) and without
// D-Bus. Third-party packages come from the npm registry (pnpm's store makes a rerun fast).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringRequired, secretServiceMissing } from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const withSecretService = fileURLToPath(new URL('../scripts/with-secret-service.sh', import.meta.url));
/** What the project installs, by folder under packages/ (cache-file comes as the keyring's dependency). */
const PACKED = ['core', 'cache-file', 'cache-keyring', 'flow-credentials'] as const;
const DIRECT = ['core', 'cache-keyring', 'flow-credentials'] as const;

const registryRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('npm-registry');

/** A third party's environment: none of the pnpm/npm settings or OIDCFLOW_* of this run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|OIDCFLOW_|DBUS_SESSION_BUS_ADDRESS$|DISPLAY$)/i.test(name))
      continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** The user's program: a client-credentials token with everything left to core, then what it says. */
const PROGRAM = `import { readdir } from 'node:fs/promises';
import { OidcCredentialsAuth } from '@oidcflow/core';

const options = JSON.parse(process.argv[2]);
const auth = new OidcCredentialsAuth(options);
await auth.getAccessToken();
const explained = (await auth.explain()).cache;
const cached = (await auth.getCachedTokens())?.cache;
const files = (await readdir(options.cachePath)).filter((name) => !name.endsWith('.lock'));
process.stdout.write(JSON.stringify({ explained, cached, files }) + '\\n');
`;

interface ProgramResult {
  explained: { plugin: string; path?: string; reason?: string };
  cached?: { plugin: string; reason?: string };
  files: string[];
}

const directories = temporaryDirectories();
let unavailable: string | undefined;
let project: string;
let tool: string;
let idp: TestIdp;

async function registryReachable(): Promise<string | undefined> {
  try {
    const response = await fetch('https://registry.npmjs.org/-/ping', {
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.ok ? undefined : `the npm registry answered HTTP ${response.status}`;
  } catch (error) {
    return `the npm registry is unreachable (${(error as Error).message})`;
  }
}

beforeAll(async () => {
  unavailable = await registryReachable();
  if (unavailable) return;
  idp = await startTestIdp();
  project = await directories.make('oidcflow-pnpm-consumer-');
  const tarballs = join(project, 'tarballs');
  await mkdir(tarballs);
  const tarball: Record<string, string> = {};
  for (const name of PACKED) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(root, 'packages', name),
      env: cleanEnv(),
      timeout: 60_000,
    });
    tarball[`@oidcflow/${name}`] = `file:${stdout.trim().split('\n').at(-1)}`;
  }
  // The packed packages depend on each other by version (^0.1.0), not on a registry yet:
  // overrides point every such dependency at its tarball.
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, pnpm: { overrides: tarball } }, null, 2)}\n`,
  );
  await writeFile(join(project, 'pnpm-workspace.yaml'), 'packages:\n  - tool\n');
  await writeFile(join(project, '.npmrc'), 'hoist=false\n');
  tool = join(project, 'tool');
  await mkdir(tool);
  const dependencies = Object.fromEntries(
    DIRECT.map((name) => [`@oidcflow/${name}`, tarball[`@oidcflow/${name}`]]),
  );
  await writeFile(
    join(tool, 'package.json'),
    `${JSON.stringify({ name: 'tool', version: '1.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  await writeFile(join(tool, 'token.mjs'), PROGRAM);
  await run('pnpm', ['install', '--prefer-offline', '--reporter=silent'], {
    cwd: project,
    env: cleanEnv(),
    timeout: 300_000,
  });
}, 400_000);

afterAll(async () => {
  await idp?.stop();
  await directories.removeAll();
});

function requireRegistry(skip: (note: string) => void): void {
  if (!unavailable) return;
  if (registryRequired) throw new Error(`${unavailable} (OIDCFLOW_REQUIRE includes npm-registry)`);
  skip(unavailable);
}

/** Runs the user's program once (through `launcher` when given), with a cache directory of its own. */
async function runProgram(launcher: string[] = []): Promise<{ result: ProgramResult; stderr: string }> {
  const cachePath = join(await directories.make(), 'oidcflow');
  await mkdir(cachePath, { recursive: true, mode: 0o700 });
  const options = {
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    cachePath,
  };
  const [command, ...args] = [...launcher, process.execPath, 'token.mjs', JSON.stringify(options)];
  const { stdout, stderr } = await run(command!, args, {
    cwd: tool,
    env: cleanEnv({ HOME: await directories.make('oidcflow-home-') }),
    timeout: 60_000,
  });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProgramResult, stderr };
}

describe('a pnpm project (isolated layout, hoist=false) with core and cache-keyring installed', () => {
  it('links the keyring cache beside core (its optional peer), and only there', (context) => {
    requireRegistry((note) => context.skip(note));
    const store = join(project, 'node_modules', '.pnpm');
    const coreCopies = readdirSync(store).filter((name) => name.startsWith('@oidcflow+core@'));
    expect(coreCopies).toHaveLength(1);
    expect(existsSync(join(store, coreCopies[0]!, 'node_modules', '@oidcflow', 'cache-keyring'))).toBe(true);
    // No other way for core to reach it: nothing hoisted, and the tool's own links are not on
    // core's resolution path.
    expect(existsSync(join(store, 'node_modules'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@oidcflow'))).toBe(false);
  });

  const missing = secretServiceMissing();
  const skipped = missing !== undefined && !keyringRequired();
  it.skipIf(skipped)(
    `with a Secret Service, \`auto\` keeps the tokens in the keyring cache and explain() says so${skipped ? ` (skipped: ${missing})` : ''}`,
    async (context) => {
      requireRegistry((note) => context.skip(note));
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
      const { result } = await runProgram([withSecretService]);
      expect(result.explained.plugin).toBe('keyring');
      expect(result.explained.reason).toMatch(
        /^the OS keyring answered \(the Secret Service \(D-Bus\)\): tokens are AES-256-GCM encrypted in /,
      );
      expect(result.explained.path).toMatch(/[0-9a-f]{32}\.sealed$/);
      expect(result.cached).toEqual({ plugin: 'keyring', reason: result.explained.reason });
      expect(result.files).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.sealed$/)]);
    },
    120_000,
  );

  it('without D-Bus, `auto` falls back to the file cache, warns once, and explain() says why', async (context) => {
    requireRegistry((note) => context.skip(note));
    const { result, stderr } = await runProgram();
    expect(result.explained.plugin).toBe('file');
    expect(result.explained.reason).toMatch(
      /^no OS keyring answers \(the Secret Service \(D-Bus\) cannot be reached: .+\); cacheFallback is 'file', so tokens are kept in clear in /,
    );
    expect(result.cached).toEqual({ plugin: 'file', reason: result.explained.reason });
    expect([...result.files].sort()).toEqual([
      expect.stringMatching(/^[0-9a-f]{32}\.json$/),
      'keyring-fallback.notice',
    ]);
    expect(stderr.match(/no OS keyring answers/g)).toHaveLength(1);
  }, 120_000);
});
