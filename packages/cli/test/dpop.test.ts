// `--dpop` through the built `oidcflow` binary: the token type DPoP reaches --output header and
// json, and a second process answers from the cache (the key is kept in the cache file).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliSandbox } from './support/cli-process.js';

let idp: TestIdp;
let sandbox: CliSandbox;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp({ dpop: true });
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

const ci = (extra: string[]) => [
  '--issuer',
  idp.issuer,
  '--client-id',
  idp.clients.ci.clientId,
  '--client-credentials',
  '--cache-path',
  sandbox.cachePath,
  '--dpop',
  ...extra,
];
const secretEnv = () => ({ OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret });

describe('oidcflow token --dpop', () => {
  it('prints a DPoP header, and json with token_type DPoP from the cache in a second process', async () => {
    const header = await sandbox.run(['token', ...ci(['--output', 'header'])], secretEnv());
    expect(header.stderr).toBe('');
    expect(header.code).toBe(0);
    expect(header.stdout).toMatch(/^Authorization: DPoP [\w.~+/=-]+\n$/);
    const requests = idp.requests.count({ path: '/token' });

    const json = await sandbox.run(['token', ...ci(['--output', 'json'])], secretEnv());
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.stdout) as { token_type: string; access_token: string };
    expect(printed.token_type).toBe('DPoP');
    expect(`Authorization: DPoP ${printed.access_token}\n`).toBe(header.stdout);
    expect(idp.requests.count({ path: '/token' })).toBe(requests);
    // The key is kept with the entry, in the cache file.
    const files = (await readdir(sandbox.cachePath, { recursive: true })).filter((name) =>
      name.endsWith('.json'),
    );
    const documents = await Promise.all(files.map((name) => readFile(join(sandbox.cachePath, name), 'utf8')));
    expect(documents.some((text) => typeof JSON.parse(text).entry?.dpopKey?.d === 'string')).toBe(true);
  });
});
