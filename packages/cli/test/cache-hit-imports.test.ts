// `oidcflow token` with a fresh cached token must cost about as much as reading one small file:
// the bin entry answers it straight-line (src/cached-token.ts) with core and the file cache,
// and exactly the modules below load: no parser, option table, help, command module, flow,
// openid-client, undici or test IdP. A new import on that path fails here, not in a benchmark.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { assertBuilt, CliSandbox, moduleNames } from './support/cli-process.js';

const BUILTINS_RECORDER = fileURLToPath(new URL('./support/record-builtins.cjs', import.meta.url));
const HEAVY = [
  '@oidcflow/flow-authcode',
  '@oidcflow/flow-device',
  '@oidcflow/flow-credentials',
  '@oidcflow/test-idp',
  'flow-authcode/dist',
  'flow-device/dist',
  'flow-credentials/dist',
  'test-idp/dist',
  'openid-client',
  'oauth4webapi',
  'undici',
  'oidc-provider',
  'qrcode-terminal',
];

/**
 * What `oidcflow token` loads on a warm cache (bench/cli-startup.bench.mjs measures it): three
 * files. The built-ins used (fs, module for the compile cache, path) are taken with
 * process.getBuiltinModule, which builds no ES module facade, so none is listed.
 */
const WARM_TOKEN_MODULES = ['cache-file/dist/index.js', 'cli/dist/bin.js', 'core/dist/index.js'];

/**
 * What the full CLI's start loads (`oidcflow --version`; every command starts with these): the
 * bin, `main` and the chunks it shares with the commands (the parser and option table, the
 * error types). No core: the library entry's token formats import it, and a command that needs
 * core loads it itself (scripts/bundle-package.mjs groups shared modules by the start entries
 * that reach them).
 */
const CLI_START_MODULES = [
  'cli/dist/bin.js',
  'cli/dist/chunks/cli-error.js',
  'cli/dist/chunks/main.js',
  'cli/dist/chunks/options-option-table.js',
  'cli/dist/interrupt.js',
  'cli/dist/main.js',
];

let idp: TestIdp;
let sandbox: CliSandbox;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

/** `oidcflow token` for the test IdP's client-credentials client, cached in the sandbox. */
function clientCredentialsToken() {
  return {
    args: [
      'token',
      '--issuer',
      idp.issuer,
      '--client-id',
      idp.clients.ci.clientId,
      '--client-credentials',
      '--cache-path',
      sandbox.cachePath,
    ],
    secret: { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret },
  };
}

async function modulesLoadedBy(args: string[], env: Record<string, string>): Promise<string[]> {
  const { result, urls } = await sandbox.importsOf(args, env);
  expect(result.code, result.stderr).toBe(0);
  return urls;
}

it('a cache hit loads core and the file cache, and nothing heavy', async () => {
  const { args, secret } = clientCredentialsToken();
  // The miss loads the flow and openid-client: proof that the recorder sees them.
  const miss = await modulesLoadedBy(args, secret);
  expect(miss.some((url) => url.includes('openid-client'))).toBe(true);
  expect(miss.some((url) => url.includes('flow-credentials'))).toBe(true);

  const hit = await modulesLoadedBy(args, secret);
  expect(moduleNames(hit)).toEqual(WARM_TOKEN_MODULES);
  const heavy = hit.filter((url) => HEAVY.some((name) => url.includes(name)));
  expect(heavy).toEqual([]);

  // A line the warm path does not know (here `--output json`) runs the full CLI: still a
  // cache hit, still nothing heavy, but the parser and the token command load.
  const full = await modulesLoadedBy([...args, '--output', 'json'], secret);
  expect(full.some((url) => url.includes('/core/dist/'))).toBe(true);
  expect(full.filter((url) => HEAVY.some((name) => url.includes(name)))).toEqual([]);
  expect(moduleNames(full).length).toBeGreaterThan(WARM_TOKEN_MODULES.length);
});

it('a cache hit compiles no node:fs/promises beyond what Node itself loads (only writes and cleanup need it: 1.3 ms of a start)', async () => {
  const { args, secret } = clientCredentialsToken();
  const builtinsLoadedBy = async () => {
    const logFile = `${sandbox.home}/builtins-${Math.random().toString(36).slice(2)}.log`;
    const result = await sandbox.start(args, { ...secret, RECORD_BUILTINS_TO: logFile }, 30_000, [
      '--require',
      BUILTINS_RECORDER,
    ]).done;
    expect(result.code, result.stderr).toBe(0);
    return (await readFile(logFile, 'utf8')).split('\n');
  };
  // Node 20's ES module loader loads it for any module entry point (Node 24's does not): only
  // what the hit adds to an empty ES module counts.
  const emptyModule = `${sandbox.home}/empty.mjs`;
  await writeFile(emptyModule, '');
  const nodeItself = `${sandbox.home}/builtins-node.log`;
  execFileSync(process.execPath, ['--require', BUILTINS_RECORDER, emptyModule], {
    env: { ...process.env, RECORD_BUILTINS_TO: nodeItself },
  });
  const byNode = new Set((await readFile(nodeItself, 'utf8')).split('\n'));
  const added = (loaded: string[]) => loaded.filter((name) => !byNode.has(name));
  // The miss writes the cache: proof that the recorder sees the module where Node did not load it.
  const miss = await builtinsLoadedBy();
  expect(miss).toContain('NativeModule internal/fs/promises');
  expect(added(await builtinsLoadedBy())).not.toContain('NativeModule internal/fs/promises');
});

it('the warm path prints what the full CLI prints, and leaves any line it does not know to it', async () => {
  const { args, secret } = clientCredentialsToken();
  const first = await sandbox.start(args, secret, 30_000).done;
  expect(first.code, first.stderr).toBe(0);
  const warm = await sandbox.start(args, secret, 30_000).done;
  expect(warm.code, warm.stderr).toBe(0);
  expect(warm.stdout).toBe(first.stdout);
  expect(warm.stdout).toMatch(/^\S+\n$/);
  // kubectl's ExecCredential from the warm path: the same document as the full command writes
  // (forced here by an option the warm path leaves to it), without the parser or commands.
  const kubectl = [...args, '--output', 'exec-credential'];
  const execEnv = {
    ...secret,
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', spec: {} }),
  };
  const warmExec = await sandbox.start(kubectl, execEnv, 30_000).done;
  const fullExec = await sandbox.start([...kubectl, '--http-timeout-seconds', '30'], execEnv, 30_000).done;
  expect(warmExec.code, warmExec.stderr).toBe(0);
  expect(fullExec.code, fullExec.stderr).toBe(0);
  expect(warmExec.stdout).toBe(fullExec.stdout);
  expect(JSON.parse(warmExec.stdout).apiVersion).toBe('client.authentication.k8s.io/v1beta1');
  const execModules = moduleNames(await modulesLoadedBy(kubectl, execEnv));
  expect(
    execModules.filter((name) =>
      /options\/|option-table|parse|main|commands\/|chunks\/token-[^/]{8}\.js$/.test(name),
    ),
  ).toEqual([]);
  expect(execModules.filter((name) => HEAVY.some((heavy) => name.includes(heavy)))).toEqual([]);

  // Settings the warm path does not know run the full CLI, which refuses bad ones even though
  // the cache could answer: the warm path never decides an outcome by itself.
  const unknownFlag = await sandbox.start([...args, '--no-such-flag'], secret, 30_000).done;
  expect(unknownFlag.code).toBe(2);
  expect(unknownFlag.stdout).toBe('');
  expect(unknownFlag.stderr).toContain('no-such-flag');
  const badVariable = { ...secret, OIDCFLOW_HTTP_TIMEOUT_SECONDS: 'soon' };
  const unknownVariable = await sandbox.start(args, badVariable, 30_000).done;
  expect(unknownVariable.code).toBe(2);
  expect(unknownVariable.stdout).toBe('');
  expect(unknownVariable.stderr).toContain('OIDCFLOW_HTTP_TIMEOUT_SECONDS');
});

it("the CLI's start loads no core: `oidcflow --version`", async () => {
  const loaded = await modulesLoadedBy(['--version'], {});
  expect(moduleNames(loaded)).toEqual(CLI_START_MODULES);
});
