// oidcflow as a third party gets it: the packages as `pnpm pack` makes them, installed with npm
// into fresh directories outside the workspace. One directory is a plugin author's project
// (core, one flow and the contract kit; the plugins are the ones docs/plugins.md shows, taken
// from its code blocks); another is a user's `npm i @oidcflow/cli`, which must pull no IdP.
// Their third-party dependencies come from the npm registry (npm's cache makes a rerun fast).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every package a user can install, by folder. */
const PUBLISHED = [
  'packages/core',
  'packages/flow-authcode',
  'packages/flow-device',
  'packages/flow-credentials',
  'packages/cache-file',
  'packages/cache-keyring',
  'packages/test-idp',
  'packages/test-browser',
  'packages/cli',
  'conformance',
  'targets/keycloak',
  'targets/hydra',
  'targets/spring',
] as const;

/** The conformance targets that come in packages of their own, not with the kit. */
const TARGET_PACKAGES = ['@oidcflow/target-keycloak', '@oidcflow/target-hydra', '@oidcflow/target-spring'];

/** Files only the Keycloak, Hydra and Spring targets need (by name), never in the kit's install. */
const TARGET_FILE = /keycloak|hydra|spring|podman|container|debootstrap/i;
/** Code only they run: the container library, the root file system builder. */
const TARGET_CODE = /['"]testcontainers['"]|debootstrap/;

/** Packages that are an identity provider, or only there to serve as one. */
const IDP_PACKAGES = ['oidc-provider', 'koa', '@koa/router', '@oidcflow/test-idp'];

const registryRequired = (process.env.OIDCFLOW_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('npm-registry');

let workDir: string | undefined;
let tarballs: Record<string, string> = {};
let unavailableReason: string | undefined;

/** npm run from a pnpm script inherits pnpm's `npm_config_*`; a third party's npm has none. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|NODE_OPTIONS$)/i.test(name)) continue;
    if (name.startsWith('OIDCFLOW_') && name !== 'OIDCFLOW_REQUIRE' && name !== 'OIDCFLOW_CHROMIUM') continue;
    env[name] = value;
  }
  // Plain output, so the summary lines can be read.
  env.NO_COLOR = '1';
  return env;
}

async function inDirectory(
  directory: string,
  command: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: directory,
      env,
      timeout: timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: `${failed.stderr ?? ''}${failed.killed ? '\n(killed: timed out)' : ''}`,
    };
  }
}

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

function requireRegistry(context: TestContext): string {
  if (workDir && !unavailableReason) return workDir;
  const reason = unavailableReason ?? 'the packages were not packed';
  if (registryRequired) throw new Error(`${reason} (OIDCFLOW_REQUIRE includes npm-registry)`);
  context.skip(reason);
  throw new Error('unreachable');
}

const ESCAPE_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const withoutColour = (text: string) => text.replace(ESCAPE_SEQUENCE, '');

/** `npm install` of tarballs and registry packages into a new project directory. */
async function npmProject(name: string, installs: string[]): Promise<string> {
  const directory = join(workDir!, name);
  await mkdir(directory);
  await writeFile(
    join(directory, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  await npmInstall(directory, installs);
  return directory;
}

/** `npm install` of more packages into a project. */
async function npmInstall(directory: string, installs: string[]): Promise<void> {
  const install = await inDirectory(
    directory,
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...installs],
    300_000,
  );
  expect(install.stderr + install.stdout, 'npm install').not.toMatch(/ERR!/);
  expect(install.code).toBe(0);
}

/** Files (relative paths) under `directory` whose text matches `pattern`. */
async function filesMatching(directory: string, pattern: RegExp): Promise<string[]> {
  const matches: string[] = [];
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (pattern.test(await readFile(path, 'utf8'))) matches.push(relative(directory, path));
  }
  return matches;
}

/** Megabytes of the files under `directory`. */
function megabytesUnder(directory: string): number {
  let bytes = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return Math.round(bytes / 100_000) / 10;
}

/** Names of every package installed under `directory`'s node_modules, at any depth. */
function installedPackages(directory: string): Set<string> {
  const names = new Set<string>();
  const visit = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(join(modules, entry))) {
          names.add(`${entry}/${scoped}`);
          visit(join(modules, entry, scoped, 'node_modules'));
        }
      } else {
        names.add(entry);
        visit(join(modules, entry, 'node_modules'));
      }
    }
  };
  visit(join(directory, 'node_modules'));
  return names;
}

/** The code blocks of docs/plugins.md that start with `// file: <path>`, by path. */
function documentedFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of markdown.matchAll(/```(?:js|javascript|json)\n([\s\S]*?)```/g)) {
    const body = match[1] ?? '';
    const header = body.match(/^\/\/ file: (\S+)\n/);
    if (header?.[1]) files.set(header[1], body.slice(header[0].length));
  }
  return files;
}

beforeAll(async () => {
  unavailableReason = await registryReachable();
  if (unavailableReason) return;
  workDir = await mkdtemp(join(tmpdir(), 'oidcflow-published-'));
  const packDir = join(workDir, 'tarballs');
  await mkdir(packDir);
  for (const folder of PUBLISHED) {
    const packed = await inDirectory(
      join(root, folder),
      'pnpm',
      ['pack', '--pack-destination', packDir],
      60_000,
    );
    expect(packed.code, `pnpm pack in ${folder}: ${packed.stderr}`).toBe(0);
  }
  for (const file of readdirSync(packDir)) {
    // oidcflow-flow-device-0.1.0.tgz → @oidcflow/flow-device
    const name = file.replace(/^oidcflow-(.*)-\d+\.\d+\.\d+.*\.tgz$/, '@oidcflow/$1');
    tarballs[name] = join(packDir, file);
  }
}, 300_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
  tarballs = {};
}, 60_000);

const manifestOf = async (tarball: string) => {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout) as {
    name: string;
    private?: boolean;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
};

/**
 * The tarballs of `names` and of every @oidcflow package they depend on (dependencies and
 * required peers), as npm would fetch them from a registry where they were published.
 */
async function withOidcflowDependencies(names: readonly string[]): Promise<string[]> {
  const wanted = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (wanted.has(name)) return;
    wanted.add(name);
    const manifest = await manifestOf(tarballs[name]!);
    const optional = manifest.peerDependenciesMeta ?? {};
    const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => !optional[peer]?.optional,
    );
    for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...requiredPeers])
      if (dependency.startsWith('@oidcflow/')) await visit(dependency);
  };
  for (const name of names) await visit(name);
  return [...wanted].map((name) => tarballs[name]!);
}

describe('the published packages', () => {
  it('pack as public packages whose workspace links became versions', async (context) => {
    requireRegistry(context);
    expect(Object.keys(tarballs).sort()).toEqual(
      PUBLISHED.map(
        (folder) =>
          (JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as { name: string }).name,
      ).sort(),
    );
    for (const tarball of Object.values(tarballs)) {
      const manifest = await manifestOf(tarball);
      expect(manifest.private, manifest.name).toBeUndefined();
      const specs = { ...manifest.dependencies, ...manifest.peerDependencies };
      for (const [dependency, spec] of Object.entries(specs))
        expect(spec, `${manifest.name} → ${dependency}`).not.toMatch(/^workspace:/);
    }
    // The contract kit depends on the embedded IdP for real; the CLI only as an optional peer.
    expect((await manifestOf(tarballs['@oidcflow/conformance']!)).dependencies).toHaveProperty(
      '@oidcflow/test-idp',
    );
    const cli = await manifestOf(tarballs['@oidcflow/cli']!);
    expect(cli.dependencies).not.toHaveProperty('@oidcflow/test-idp');
    expect(cli.peerDependenciesMeta?.['@oidcflow/test-idp']?.optional).toBe(true);
  });

  it("a plugin author's project: the documented IdP, flow and cache plugins pass their contract suites and the matrix", async (context) => {
    requireRegistry(context);
    const vitestVersion = JSON.parse(readFileSync(join(root, 'node_modules/vitest/package.json'), 'utf8'))
      .version as string;
    // What the author asks for: core, one flow, the kit. The kit's own @oidcflow dependencies
    // (the CLI among them: the kubectl and git scenarios run it) are given as tarballs too
    // (they are not on a registry yet); the target packages are not among them.
    const project = await npmProject('plugin-author', [
      ...Object.entries(tarballs)
        .filter(([name]) => !TARGET_PACKAGES.includes(name))
        .map(([, tarball]) => tarball),
      `vitest@${vitestVersion}`,
    ]);
    const documented = documentedFiles(await readFile(join(root, 'docs/plugins.md'), 'utf8'));
    for (const required of [
      'my-idp-plugin/index.js',
      'my-flow-plugin/index.js',
      'my-cache-plugin/index.js',
      'test/contracts.test.js',
      'vitest.config.js',
    ]) {
      expect([...documented.keys()], 'docs/plugins.md code blocks').toContain(required);
    }
    for (const [path, body] of documented) {
      await mkdir(join(project, dirname(path)), { recursive: true });
      await writeFile(join(project, path), body);
    }

    // Nothing of the workspace is reachable from here.
    expect(relative(root, project).startsWith('..')).toBe(true);
    const contracts = await inDirectory(project, join(project, 'node_modules/.bin/vitest'), ['run'], 600_000);
    const contractOutput = withoutColour(contracts.stdout + contracts.stderr);
    expect(contracts.code, contractOutput.slice(-4000)).toBe(0);
    expect(contractOutput).toMatch(/Tests\s+\d+ passed/);
    expect(contractOutput).not.toMatch(/\d+ failed/);

    const matrix = await inDirectory(
      project,
      join(project, 'node_modules/.bin/oidcflow-conformance'),
      [
        '--plugin',
        './my-flow-plugin/index.js',
        '--plugin',
        './my-idp-plugin/index.js',
        '--plugin',
        './my-cache-plugin/index.js',
        '--with-flow',
        'client_credentials',
        '--target',
        'embedded',
        '--quiet',
      ],
      600_000,
    );
    const summary = matrix.stdout.trim().split('\n').at(-1) ?? '';
    expect(matrix.code, matrix.stdout.slice(-4000) + matrix.stderr.slice(-2000)).toBe(0);
    expect(summary).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
    expect(Number(summary.split(' ')[0])).toBeGreaterThanOrEqual(30);
    for (const row of ['my-flow-plugin/index.js', 'my-idp-plugin/index.js', 'my-cache-plugin/index.js'])
      expect(matrix.stdout).toContain(row);

    // The IdP plugin's device-response fix against a device endpoint that answers like Google's.
    const google = await inDirectory(
      project,
      join(project, 'node_modules/.bin/oidcflow-conformance'),
      [
        '--plugin',
        './my-idp-plugin/index.js',
        '--with-flow',
        'device',
        '--target',
        'oidc-provider-http',
        '--scenario',
        'device verification_url',
        '--quiet',
      ],
      300_000,
    );
    expect(google.code, google.stdout.slice(-3000) + google.stderr.slice(-2000)).toBe(0);
    console.info(
      `plugin author's project: ${contractOutput.match(/Tests\s+[^\n]*/)?.[0]}; matrix: ${summary}; ` +
        `Google-style device cell: ${google.stdout.match(/device verification_url\s+\S+/)?.[0]}`,
    );
    const browserRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');
    expect(google.stdout).toMatch(
      browserRequired ? /device verification_url\s+pass/ : /device verification_url\s+(pass|skip)/,
    );
  }, 900_000);

  it('npm i @oidcflow/conformance installs no target code; with @oidcflow/target-keycloak added, the Keycloak cells run', async (context) => {
    requireRegistry(context);
    // The kit and the @oidcflow packages it depends on (tarballs: they are not on a registry yet).
    const project = await npmProject('kit-user', await withOidcflowDependencies(['@oidcflow/conformance']));
    const installed = installedPackages(project);
    const kit = join(project, 'node_modules/@oidcflow/conformance');
    console.info(
      `npm i @oidcflow/conformance: ${installed.size} packages, ${megabytesUnder(join(project, 'node_modules'))} MB ` +
        `(the kit itself ${megabytesUnder(kit)} MB)`,
    );
    for (const name of [...TARGET_PACKAGES, 'testcontainers']) expect(installed, name).not.toContain(name);
    const kitFiles = readdirSync(kit, { recursive: true }).map(String);
    expect(kitFiles.filter((file) => TARGET_FILE.test(file))).toEqual([]);
    expect(await filesMatching(kit, TARGET_CODE)).toEqual([]);

    // Without the package the Keycloak cells are skipped, saying how to get it (required or not,
    // the cells never run here: OIDCFLOW_REQUIRE would only turn the skip into a failure).
    const { OIDCFLOW_REQUIRE: _required, ...notRequired } = cleanEnv();
    const absent = await inDirectory(
      project,
      join(project, 'node_modules/.bin/oidcflow-conformance'),
      ['--target', 'keycloak', '--scenario', 'login'],
      120_000,
      notRequired,
    );
    expect(absent.code, absent.stdout.slice(-3000) + absent.stderr.slice(-2000)).toBe(0);
    expect(absent.stdout.trim().split('\n').at(-1)).toBe('0 passed, 0 failed, 3 skipped');
    expect(absent.stdout).toContain('pnpm add -D @oidcflow/target-keycloak');

    await npmInstall(project, [tarballs['@oidcflow/target-keycloak']!]);
    console.info(
      `npm i @oidcflow/target-keycloak added ${installedPackages(project).size - installed.size} packages; ` +
        `node_modules ${megabytesUnder(join(project, 'node_modules'))} MB`,
    );
    const keycloak = await inDirectory(
      project,
      join(project, 'node_modules/.bin/oidcflow-conformance'),
      ['--target', 'keycloak', '--scenario', 'login', '--quiet'],
      600_000,
    );
    const summary = keycloak.stdout.trim().split('\n').at(-1) ?? '';
    console.info(`with @oidcflow/target-keycloak, --target keycloak --scenario login: ${summary}`);
    expect(keycloak.code, keycloak.stdout.slice(-4000) + keycloak.stderr.slice(-2000)).toBe(0);
    const keycloakRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('keycloak');
    if (keycloakRequired) expect(summary).toBe('3 passed, 0 failed, 0 skipped');
    else expect(summary).toMatch(/^\d passed, 0 failed, \d skipped$/);
    expect(keycloak.stdout).not.toContain('pnpm add -D @oidcflow/target-keycloak');
  }, 900_000);

  it('npm i @oidcflow/cli installs no IdP, and dev-idp says which package to add', async (context) => {
    requireRegistry(context);
    const project = await npmProject('cli-user', await withOidcflowDependencies(['@oidcflow/cli']));
    const installed = installedPackages(project);
    console.info(`npm i @oidcflow/cli: ${installed.size} packages: ${[...installed].sort().join(', ')}`);
    for (const idp of IDP_PACKAGES) expect(installed, idp).not.toContain(idp);
    expect(installed).toContain('openid-client');

    const devIdp = await inDirectory(
      project,
      join(project, 'node_modules/.bin/oidcflow'),
      ['dev-idp'],
      60_000,
    );
    expect(devIdp.code).toBe(7);
    expect(devIdp.stderr).toContain('oidcflow dev-idp needs the package @oidcflow/test-idp');
    expect(devIdp.stderr).toContain('npm install -g @oidcflow/test-idp');

    // What dev-idp needs, added as its message says: an IdP, and no browser to unpack.
    await npmInstall(project, [tarballs['@oidcflow/test-idp']!]);
    const withDevIdp = installedPackages(project);
    console.info(`npm i @oidcflow/test-idp (for dev-idp) added ${withDevIdp.size - installed.size} packages`);
    expect(withDevIdp).toContain('oidc-provider');
    for (const browserPackage of ['@sparticuz/chromium', 'playwright-core', '@oidcflow/test-browser'])
      expect(withDevIdp, browserPackage).not.toContain(browserPackage);
  }, 600_000);
});
