import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CachePlugin,
  createMemoryCache,
  ErrorCode,
  type IdentitySourcePlugin,
  OidcCredentialsAuth,
  type OidcCredentialsAuthOptions,
  OidcflowError,
  SPECIFICATION_VERSION,
  silentLogger,
} from '@oidcflow/core';
import { type CiIdentityIssuer, startCiIdentityIssuer, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClientCredentialsFlow, createJwtBearerFlow, createTokenExchangeFlow } from '../src/index.js';
import { jwtClaims, temporaryDirectories, testIdpPlugin } from './support.js';

const API = 'https://api.example.test';
let ci: CiIdentityIssuer;
let idp: TestIdp;
beforeAll(async () => {
  ci = await startCiIdentityIssuer({ gitHubJob: { repository: 'acme/tool' } });
  idp = await startTestIdp({ workloadIssuer: ci });
});
afterAll(async () => {
  await idp?.stop();
  await ci?.stop();
});

const directories = temporaryDirectories();
afterEach(() => directories.removeAll());
let cache: CachePlugin;
beforeEach(() => {
  cache = createMemoryCache();
  idp.requests.reset();
});

/** A workload client with the flows from src; no secret anywhere. */
function workloadOptions(extra: OidcCredentialsAuthOptions): OidcCredentialsAuthOptions {
  return {
    issuer: idp.issuer,
    clientId: idp.clients.ciWorkload.clientId,
    plugins: [cache, createClientCredentialsFlow(), createJwtBearerFlow(), createTokenExchangeFlow()],
    logger: silentLogger,
    env: {},
    ...extra,
  };
}

async function tokenFile(token: string): Promise<string> {
  const path = join(await directories.make(), 'token');
  await writeFile(path, token, { mode: 0o600 });
  return path;
}

async function failure(promise: Promise<unknown>): Promise<OidcflowError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}

describe('workload identity against oidc-provider', () => {
  it('token_exchange: a GitHub token from a file becomes a JWT access token for the audience asked', async () => {
    const job = { repository: 'acme/tool' };
    const path = await tokenFile(await ci.signGitHubToken({ audience: idp.issuer, job }));
    const auth = new OidcCredentialsAuth(
      workloadOptions({ identitySource: `file:${path}`, identityUse: 'token_exchange', audience: API }),
    );
    const claims = jwtClaims(await auth.getAccessToken());
    expect(claims).toMatchObject({ aud: API, subject_sub: 'repo:acme/tool:ref:refs/heads/main' });
    const [request] = idp.requests.list({ path: '/token' });
    expect(request?.grantType).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
  });

  it('jwt_bearer: the token of an environment variable is the assertion', async () => {
    const token = await ci.signKubernetesToken({ audience: idp.issuer });
    const auth = new OidcCredentialsAuth(
      workloadOptions({
        identitySource: 'env:POD_TOKEN',
        identityUse: 'jwt_bearer',
        tokenExchange: { resource: API },
        env: { POD_TOKEN: token },
        audience: API,
      }),
    );
    expect(jwtClaims(await auth.getAccessToken()).subject_sub).toBe(
      'system:serviceaccount:ci:oidcflow-runner',
    );
  });

  it('client_assertion: the platform token authenticates the client in the client credentials grant', async () => {
    const clientId = idp.clients.ciFederated.clientId;
    // oidc-provider wants iss = sub = client id in a client assertion (Keycloak's federated mode does not).
    const path = await tokenFile(
      await ci.sign({ audience: idp.issuer, claims: { iss: clientId, sub: clientId } }),
    );
    const options = workloadOptions({
      clientId,
      identitySource: `file:${path}`,
      identityUse: 'client_assertion',
      audience: API,
    });
    // oidc-provider takes the audience of a client credentials grant as an RFC 8707 resource.
    const resourceStyle = testIdpPlugin(idp.issuer, { audienceParameter: 'resource' });
    const auth = new OidcCredentialsAuth({
      ...options,
      plugins: [...(options.plugins ?? []), resourceStyle],
    });
    expect(jwtClaims(await auth.getAccessToken())).toMatchObject({ client_id: clientId, aud: API });
    const [request] = idp.requests.list({ path: '/token', grantType: 'client_credentials' });
    expect(request?.clientId).toBe(clientId);
  });

  it("auto: reads GitHub Actions' token with the audience asked and spends it as the IdP advertises", async () => {
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: ci.gitHubActions.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.gitHubActions.requestToken,
    };
    const auth = new OidcCredentialsAuth(workloadOptions({ identitySource: 'auto', env, audience: API }));
    const report = await auth.explain();
    expect(report.workloadIdentity).toMatchObject({
      source: 'github',
      use: 'jwt_bearer',
      audience: idp.issuer,
    });
    expect(report.chosen).toBe('jwt_bearer');
    expect(report.workloadIdentity?.uses.find((use) => use.use === 'token_exchange')?.reason).toMatch(
      /jwt_bearer comes first/,
    );
    const before = ci.gitHubRequests.length;
    expect(jwtClaims(await auth.getAccessToken()).subject_sub).toBe('repo:acme/tool:ref:refs/heads/main');
    expect(ci.gitHubRequests.slice(before)).toMatchObject([{ audience: idp.issuer, authorized: true }]);
  });

  it('reads the source afresh for every grant: a file rotated to an expired token fails the next one', async () => {
    const path = await tokenFile(await ci.signGitHubToken({ audience: idp.issuer }));
    const options = workloadOptions({
      identitySource: `file:${path}`,
      identityUse: 'jwt_bearer',
      audience: API,
    });
    await new OidcCredentialsAuth(options).getAccessToken();
    await writeFile(path, await ci.signGitHubToken({ audience: idp.issuer, expired: true }));
    const error = await failure(
      new OidcCredentialsAuth({
        ...options,
        plugins: [createMemoryCache(), ...(options.plugins ?? []).slice(1)],
      }).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.IDENTITY_TOKEN_INVALID);
    expect(error.message).toMatch(/has expired \(iss=http:\/\/127\.0\.0\.1:\d+, sub=repo:oidcflow-ci\/demo/);
    // Refused here, before the IdP saw it.
    expect(idp.requests.list({ path: '/token' })).toHaveLength(1);
  });

  it("the IdP's refusal says which claims were sent, never the token", async () => {
    const token = await ci.signGitHubToken({ audience: 'https://not-this-idp.example.test' });
    const auth = new OidcCredentialsAuth(
      workloadOptions({
        identitySource: 'env:CI_TOKEN',
        identityUse: 'jwt_bearer',
        env: { CI_TOKEN: token },
      }),
    );
    const error = await failure(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.message).toContain('aud');
    expect(error.message).toMatch(
      /sub=repo:oidcflow-ci\/demo:ref:refs\/heads\/main, aud=https:\/\/not-this-idp\.example\.test, exp=20/,
    );
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(token);
  });

  it('says where no source is: auto outside CI, and an unknown name', async () => {
    const auto = await failure(
      new OidcCredentialsAuth(workloadOptions({ identitySource: 'auto' })).getAccessToken(),
    );
    expect(auto.code).toBe(ErrorCode.IDENTITY_SOURCE_UNAVAILABLE);
    expect(auto.message).toMatch(
      /github: ACTIONS_ID_TOKEN_REQUEST_URL is not set.*kubernetes: KUBERNETES_SERVICE_HOST is not set/,
    );
    const report = await new OidcCredentialsAuth(workloadOptions({ identitySource: 'auto' })).explain();
    expect(report.problem?.code).toBe(ErrorCode.IDENTITY_SOURCE_UNAVAILABLE);
    expect(report.workloadIdentity?.sources.map((source) => source.name)).toEqual([
      'github',
      'gitlab',
      'azure',
      'aws',
      'kubernetes',
    ]);
    const unknown = await failure(
      new OidcCredentialsAuth(workloadOptions({ identitySource: 'jenkins' })).getAccessToken(),
    );
    expect(unknown.code).toBe(ErrorCode.CONFIG_INVALID);
  });

  it('takes identitySource, identityUse and identityAudience from the environment', async () => {
    const path = await tokenFile(await ci.signGitLabToken({ audience: 'https://idp.example.test' }));
    const auth = new OidcCredentialsAuth(
      workloadOptions({
        env: {
          OIDCFLOW_IDENTITY_SOURCE: `file:${path}`,
          OIDCFLOW_IDENTITY_USE: 'token_exchange',
          OIDCFLOW_IDENTITY_AUDIENCE: 'https://idp.example.test',
        },
      }),
    );
    const report = await auth.explain();
    expect(report.workloadIdentity).toMatchObject({
      source: 'file',
      use: 'token_exchange',
      audience: 'https://idp.example.test',
    });
  });

  it('takes a third-party source through the plugin specification, by name and under auto', async () => {
    let reads = 0;
    const source: IdentitySourcePlugin = {
      kind: 'identity-source',
      specificationVersion: SPECIFICATION_VERSION,
      name: 'acme-ci',
      detect: ({ env }) =>
        env.ACME_CI ? { present: true, reason: 'ACME_CI is set' } : { present: false, reason: 'not Acme CI' },
      read: async ({ audience }) => {
        reads += 1;
        return ci.signGitLabToken({ audience });
      },
    };
    const options = workloadOptions({ identityUse: 'jwt_bearer', env: { ACME_CI: '1' }, audience: API });
    const plugins = [...(options.plugins ?? []), source];
    const named = new OidcCredentialsAuth({ ...options, plugins, identitySource: 'acme-ci' });
    expect(jwtClaims(await named.getAccessToken()).subject_sub).toMatch(/^project_path:/);
    const auto = new OidcCredentialsAuth({
      ...options,
      plugins: [createMemoryCache(), ...plugins.slice(1)],
      identitySource: 'auto',
    });
    expect((await auto.explain()).workloadIdentity?.source).toBe('acme-ci');
    await auto.getAccessToken();
    expect(reads).toBe(2);
  });
});
