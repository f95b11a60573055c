// `oidcflow fetch URL` against the embedded IdP (DPoP enabled) and an API on 127.0.0.1 that
// echoes what it received: the built binary for a GET, runCli in-process for a body on stdin.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  completeAuthorizationWithoutBrowser,
  startTestIdp,
  TEST_USER,
  type TestIdp,
} from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { runCli } from '../src/main.js';
import { assertBuilt, CliSandbox } from './support/cli-process.js';

interface Echo {
  method: string;
  path: string;
  scheme: string | undefined;
  proof: { typ?: string; htm?: string; htu?: string } | undefined;
  contentType: string | undefined;
  body: string;
}

let idp: TestIdp;
let api: Server;
let origin: string;
let sandbox: CliSandbox;

function decodeProof(proof: string | undefined): Echo['proof'] {
  if (!proof) return undefined;
  const [header, payload] = proof.split('.');
  const part = (text: string | undefined) =>
    JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8'));
  return { typ: part(header).typ, ...part(payload) };
}

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp({ dpop: true });
  api = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const echo: Echo = {
      method: request.method ?? '',
      path: request.url ?? '',
      scheme: request.headers.authorization?.split(' ')[0],
      proof: decodeProof(request.headers.dpop as string | undefined),
      contentType: request.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
    };
    if (request.url === '/gold') {
      // RFC 9470: this resource wants a stronger login than any token of the test IdP shows.
      response.writeHead(401, {
        'www-authenticate': 'Bearer error="insufficient_user_authentication", acr_values="gold"',
      });
      response.end();
      return;
    }
    response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(echo));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  api?.closeAllConnections();
  await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
  await idp?.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

const ci = () => [
  '--issuer',
  idp.issuer,
  '--client-id',
  idp.clients.ci.clientId,
  '--client-credentials',
  '--cache-path',
  sandbox.cachePath,
];

describe('oidcflow fetch', () => {
  it('GET with --dpop: the body on stdout, sent with the DPoP scheme and a proof for this request', async () => {
    const result = await sandbox.run(['fetch', ...ci(), '--dpop', `${origin}/things`], {
      OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const echo = JSON.parse(result.stdout) as Echo;
    expect(echo).toMatchObject({ method: 'GET', path: '/things', scheme: 'DPoP' });
    expect(echo.proof).toMatchObject({ typ: 'dpop+jwt', htm: 'GET', htu: `${origin}/things` });
  });

  it('a 4xx answer: its body still on stdout, the status on stderr, exit 9', async () => {
    const result = await sandbox.run(['fetch', ...ci(), `${origin}/missing`], {
      OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret,
    });
    expect(result.code).toBe(ExitCode.HTTP_ERROR);
    expect((JSON.parse(result.stdout) as Echo).scheme).toBe('Bearer');
    expect(result.stderr).toContain('answered HTTP 404');
  });

  it('--data-stdin sends stdin as the body, POST by default', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['fetch', ...ci(), '--data-stdin', '--content-type', 'application/json', `${origin}/things`],
      {
        // The answer comes as bytes, passed on as they arrive.
        stdout: {
          write: (chunk: string | Uint8Array) => (stdout += Buffer.from(chunk).toString('utf8')),
        },
        stderr: { write: (text: string) => (stderr += text) },
        stdin: Readable.from([Buffer.from('{"name":"x"}')]),
        env: { HOME: sandbox.cachePath, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret },
        signal: new AbortController().signal,
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      method: 'POST',
      scheme: 'Bearer',
      contentType: 'application/json',
      body: '{"name":"x"}',
    });
  });

  it('--step-up error: an API that asks for a stronger login is exit 3 naming what it asked for; no login runs', async () => {
    const user = [
      '--issuer',
      idp.issuer,
      '--client-id',
      idp.clients.native.clientId,
      '--cache-path',
      sandbox.cachePath,
    ];
    const login = sandbox.start([
      'login',
      ...user,
      '--flow',
      'auth_code',
      '--no-browser',
      '--callback-port',
      '0',
    ]);
    const [, url] = await login.waitForStderr(/^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m);
    await (await fetch(await completeAuthorizationWithoutBrowser(url as string, TEST_USER))).text();
    expect((await login.done).code).toBe(0);
    const result = await sandbox.run(['fetch', ...user, '--step-up', 'error', `${origin}/gold`]);
    expect(result.code, result.stderr).toBe(ExitCode.NOT_LOGGED_IN);
    expect(result.stderr).toContain('STEP_UP_REQUIRED');
    expect(result.stderr).toContain('acr_values "gold"');
    expect(result.stderr).toContain('oidcflow login --acr-values gold');
    expect(result.stderr).not.toMatch(/\/auth\?/);
    const unknown = await sandbox.run(['fetch', ...user, '--step-up', 'always', `${origin}/gold`]);
    expect(unknown.code).toBe(ExitCode.USAGE);
    expect(unknown.stderr).toMatch(/auto, login, error/);
  });

  it('without a URL: a usage error', async () => {
    const result = await sandbox.run(['fetch', ...ci(), '--dpop'], {
      OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret,
    });
    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toMatch(/URL/);
  });
});
