// Issue 25's "Must show": the built `oidcflow token`, run in an environment shaped like a
// GitHub Actions job with no secret anywhere, gets a token that the API server of the kubectl
// scenario accepts; and the platform token is in no cache file, log line, debug output or
// error message.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CiIdentityIssuer, startCiIdentityIssuer, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcflowBin } from '../src/support/executables.js';
import { type KubeApiServer, startKubeApiServer } from '../src/support/kube-api-server.js';
import { rawRequest } from '../src/support/raw-http.js';

const API = 'https://api.example.test';

let ci: CiIdentityIssuer;
let idp: TestIdp;
let api: KubeApiServer;
let scratch: string;
let home: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'oidcflow-ci-without-secrets-'));
  home = await mkdtemp(join(tmpdir(), 'oidcflow-github-job-home-'));
  ci = await startCiIdentityIssuer({ gitHubJob: { repository: 'oidcflow-ci/demo' } });
  idp = await startTestIdp({ workloadIssuer: ci });
  // kube-apiserver's OIDC check: the IdP's signature, iss, and the client named by aud/azp/client_id.
  api = await startKubeApiServer(scratch, {
    issuer: idp.issuer,
    clientId: idp.clients.ciWorkload.clientId,
    orAuthorizedParty: true,
  });
});
afterAll(async () => {
  await api?.stop();
  await idp?.stop();
  await ci?.stop();
  for (const directory of [scratch, home])
    if (directory) await rm(directory, { recursive: true, force: true });
});

/**
 * What a GitHub Actions job with `permissions: id-token: write` has, plus the oidcflow settings
 * a workflow would put in `env:` — and nothing else: no secret, no key, no token.
 */
function gitHubJobEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'oidcflow-ci/demo',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW_REF: 'oidcflow-ci/demo/.github/workflows/ci.yml@refs/heads/main',
    RUNNER_TEMP: scratch,
    ACTIONS_ID_TOKEN_REQUEST_URL: ci.gitHubActions.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.gitHubActions.requestToken,
    OIDCFLOW_ISSUER: idp.issuer,
    OIDCFLOW_CLIENT_ID: idp.clients.ciWorkload.clientId,
    OIDCFLOW_IDENTITY_SOURCE: 'github',
    OIDCFLOW_AUDIENCE: API,
    // A runner has no OS keyring; say so instead of a fallback warning on every run.
    OIDCFLOW_CACHE: 'file',
    ...extra,
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function oidcflow(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [oidcflowBin(), ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Every file under `directory`, as one string. */
async function filesUnder(directory: string): Promise<{ names: string[]; text: string }> {
  const names: string[] = [];
  const parts: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    names.push(join(entry.parentPath, entry.name));
    parts.push(await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return { names, text: parts.join('\n') };
}

describe('CI without secrets: oidcflow token in a GitHub Actions job', () => {
  it('gets a token with no secret anywhere, and the kubectl scenario API server accepts it', async () => {
    const env = gitHubJobEnvironment();
    // Nothing secret in the job: no variable names one, none holds a client secret or key,
    // and the job's home holds no file at all.
    const secrets = [
      idp.clients.ci.clientSecret,
      idp.clients.ciPost.clientSecret,
      idp.clients.confidentialWeb.clientSecret,
    ];
    for (const [name, value] of Object.entries(env)) {
      expect(name).not.toMatch(/SECRET|PASSWORD|PRIVATE_KEY/);
      expect(secrets).not.toContain(value);
    }
    expect((await filesUnder(home)).names).toEqual([]);

    const run = await oidcflow(['token'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    expect(token.split('.')).toHaveLength(3);

    const answer = await rawRequest(`${api.url}/api`, {
      headers: { authorization: `Bearer ${token}` },
      caCertPath: api.caCertPath,
    });
    expect(answer.status).toBe(200);
    expect(api.requests.at(-1)).toMatchObject({ path: '/api', status: 200 });
    // The platform was asked for a token with the IdP's audience, once.
    expect(ci.gitHubRequests).toMatchObject([{ audience: idp.issuer, authorized: true }]);

    // A second run answers from the cache: no new platform token is asked for.
    const again = await oidcflow(['token'], env);
    expect(again.stdout.trim()).toBe(token);
    expect(ci.gitHubRequests).toHaveLength(1);
  });

  it('no platform token in cache files, logs, --debug output or error messages', async () => {
    const outputs: string[] = [];
    const record = (run: Run) => {
      outputs.push(run.stdout, run.stderr);
      return run;
    };
    const debug = gitHubJobEnvironment({ OIDCFLOW_DEBUG: '1' });
    // A cache of its own per run (under the job's home): each run is a new grant, which reads
    // a fresh platform token, with debug lines on stderr.
    let runs = 0;
    const fresh = () => ['--cache-path', join(home, 'cache', String(++runs))];
    expect(record(await oidcflow(['token', ...fresh()], debug)).code).toBe(0);
    const json = record(await oidcflow(['token', ...fresh(), '--output', 'json'], debug));
    expect(json.code).toBe(0);
    const explained = record(await oidcflow(['explain', '--cache-path', join(home, 'cache', '1')], debug));
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/source: +github/);
    expect(explained.stdout).toMatch(/spent as: +jwt_bearer/);
    const status = record(await oidcflow(['status', '--cache-path', join(home, 'cache', '1')], debug));
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/identity source: +github \(ACTIONS_ID_TOKEN_REQUEST_URL/);
    // Nothing cached, but the job's identity gets a token without a login: status says so, exit 0.
    const empty = record(await oidcflow(['status', '--cache-path', join(home, 'cache', 'empty')], debug));
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/Nothing is cached yet .* without a login/);

    // The IdP refuses a token asked for another audience: its words, and the claims sent.
    const refused = record(
      await oidcflow(['token', ...fresh(), '--identity-audience', 'https://elsewhere.example.test'], debug),
    );
    expect(refused.code).toBe(8);
    expect(refused.stderr).toMatch(/invalid_grant/);
    expect(refused.stderr).toMatch(
      /iss=http:\/\/127\.0\.0\.1:\d+, sub=repo:oidcflow-ci\/demo:ref:refs\/heads\/main, aud=https:\/\/elsewhere\.example\.test, exp=/,
    );

    // An expired token in a file is refused before it is sent, naming its claims only.
    const expired = await ci.signGitHubToken({ audience: idp.issuer, expired: true });
    const tokenFile = join(scratch, 'expired-token');
    await writeFile(tokenFile, expired, { mode: 0o600 });
    const stale = record(
      await oidcflow(['token', ...fresh(), '--identity-source', `file:${tokenFile}`], debug),
    );
    expect(stale.code).toBe(7);
    expect(stale.stderr).toMatch(/IDENTITY_TOKEN_INVALID|has expired/);

    const platformTokens = [...ci.gitHubRequests.map((request) => request.token ?? ''), expired].filter(
      Boolean,
    );
    // The first test's grant, the two grants and the refused one above each read a fresh
    // token, and the expired one was planted (so the search below cannot pass vacuously).
    expect(platformTokens.length).toBe(5);
    const { names, text: files } = await filesUnder(home);
    expect(names.length).toBeGreaterThan(0);
    const everything = `${outputs.join('\n')}\n${files}`;
    // OIDCFLOW_DEBUG's lines and the causes of the errors were captured too.
    expect(everything).toMatch(/logging in with the jwt_bearer flow/);
    expect(everything).toMatch(/caused by: ResponseBodyError/);
    for (const platformToken of platformTokens) {
      const [, payload, signature] = platformToken.split('.');
      expect(everything).not.toContain(platformToken);
      expect(everything).not.toContain(payload);
      expect(everything).not.toContain(signature);
    }
    // Nor the job's request token, GitHub's bearer for its token endpoint.
    expect(everything).not.toContain(ci.gitHubActions.requestToken);
  });
});
