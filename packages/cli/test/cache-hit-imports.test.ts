// `oidcflow token` with a fresh cached token must cost about as much as reading one small file:
// no flow, no openid-client, no undici, no test IdP may even be resolved on that path.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { assertBuilt, CliSandbox } from './support/cli-process.js';

const RECORDER = fileURLToPath(new URL('./support/record-imports.mjs', import.meta.url));
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

async function modulesLoadedBy(args: string[], env: Record<string, string>): Promise<string[]> {
  const logFile = `${sandbox.home}/imports-${Math.random().toString(36).slice(2)}.log`;
  const result = await sandbox.start(args, { ...env, RECORD_IMPORTS_TO: logFile }, 30_000, [
    '--import',
    RECORDER,
  ]).done;
  expect(result.code, result.stderr).toBe(0);
  return (await readFile(logFile, 'utf8')).split('\n').filter(Boolean);
}

it('a cache hit loads core and the file cache, and nothing heavy', async () => {
  const args = [
    'token',
    '--issuer',
    idp.issuer,
    '--client-id',
    idp.clients.ci.clientId,
    '--client-credentials',
    '--cache-path',
    sandbox.cachePath,
  ];
  const secret = { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret };
  // The miss loads the flow and openid-client: proof that the recorder sees them.
  const miss = await modulesLoadedBy(args, secret);
  expect(miss.some((url) => url.includes('openid-client'))).toBe(true);
  expect(miss.some((url) => url.includes('flow-credentials'))).toBe(true);

  const hit = await modulesLoadedBy(args, secret);
  expect(hit.some((url) => url.includes('/core/dist/'))).toBe(true);
  expect(hit.some((url) => url.includes('/cache-file/dist/'))).toBe(true);
  const heavy = hit.filter((url) => HEAVY.some((name) => url.includes(name)));
  expect(heavy).toEqual([]);
});
