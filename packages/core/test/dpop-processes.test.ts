import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DpopResourceServer, startDpopResourceServer } from './dpop-resource-server.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/dpop-process.mjs', import.meta.url));

let idp: TestIdp;
let api: DpopResourceServer;
let directory: string;
beforeAll(async () => {
  idp = await startTestIdp({ dpop: true });
  api = await startDpopResourceServer({ issuer: idp.issuer, audience: idp.resources[0] as string });
  directory = await mkdtemp(join(tmpdir(), 'oidcflow-dpop-'));
});
afterAll(async () => {
  await api?.stop();
  await idp?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

interface ProcessResult {
  status: number;
  tokenType: string;
  tokenHash: string;
  cachePath: string;
}

async function oneProcess(): Promise<ProcessResult> {
  const settings = {
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    audience: idp.resources[0],
    cachePath: directory,
    url: `${api.origin}/api/data`,
  };
  const { stdout } = await run(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOME: directory, OIDCFLOW_TEST_SETTINGS: JSON.stringify(settings) },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ProcessResult;
}

describe('DPoP across processes, with @oidcflow/cache-file', () => {
  it("the second process uses the first's DPoP-bound token with the same key from the cache file, no new token", async () => {
    const first = await oneProcess();
    expect(first.status).toBe(200);
    expect(first.tokenType.toLowerCase()).toBe('dpop');
    const document = JSON.parse(await readFile(first.cachePath, 'utf8')) as {
      entry: { dpopKey?: { d?: string } };
    };
    expect(document.entry.dpopKey?.d).toEqual(expect.any(String));
    expect((await stat(first.cachePath)).mode & 0o777).toBe(0o600);
    const tokenRequests = idp.requests.count({ path: '/token' });

    const second = await oneProcess();
    expect(second).toMatchObject({ status: 200, tokenType: first.tokenType, tokenHash: first.tokenHash });
    expect(idp.requests.count({ path: '/token' })).toBe(tokenRequests);
    // Both proofs passed every check (signature, htm, htu, iat, jti, ath, cnf.jkt).
    expect(api.seen.map((seen) => seen.refusal)).toEqual([undefined, undefined]);
    expect(api.seen[0]?.dpop).not.toBe(api.seen[1]?.dpop);
  });
});
