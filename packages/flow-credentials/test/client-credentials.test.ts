import { mkdir, readFile, writeFile } from 'node:fs/promises';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  type FlowPlugin,
  OidcCredentialsAuth,
  type OidcCredentialsAuthOptions,
  OidcflowError,
  silentLogger,
} from '@oidcflow/core';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientCredentialsFlow } from '../src/index.js';
import {
  contentsOf,
  jwtClaims,
  temporaryDirectories,
  testIdpPlugin,
  writePrivateKeyFile,
} from './support.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

const directories = temporaryDirectories();
afterEach(async () => {
  vi.restoreAllMocks();
  await directories.removeAll();
});

let cache: CachePlugin;
beforeEach(() => {
  cache = createMemoryCache();
  idp.requests.reset();
});

const grants = () => idp.requests.list({ path: '/token', grantType: 'client_credentials' });

/** Options for the basic-auth CI client; the flow under test comes from src, not dist. */
// `undefined` allowed: a JavaScript caller may pass `clientSecret: undefined` for "not given".
type LooseOptions = { [K in keyof OidcCredentialsAuthOptions]?: OidcCredentialsAuthOptions[K] | undefined };

function ciOptions(extra: LooseOptions = {}): OidcCredentialsAuthOptions {
  return <OidcCredentialsAuthOptions>{
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    plugins: [cache, createClientCredentialsFlow()],
    logger: silentLogger,
    env: {},
    ...extra,
    ...(extra.plugins ? { plugins: [cache, createClientCredentialsFlow(), ...extra.plugins] } : {}),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<OidcflowError> {
  try {
    await promise;
  } catch (error) {
    if (OidcflowError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('client authentication, picked from token_endpoint_auth_methods_supported', () => {
  it('client_secret_basic: the secret goes in the Authorization header, not the body', async () => {
    const token = await new OidcCredentialsAuth(ciOptions()).getAccessToken();
    expect(token).toBeTruthy();
    const [grant, ...more] = grants();
    expect(more).toHaveLength(0);
    expect(grant?.clientId).toBe(idp.clients.ci.clientId);
    expect(grant?.parameters).not.toHaveProperty('client_secret');
    expect(grant?.parameters).not.toHaveProperty('client_assertion');
  });

  it('client_secret_post when the IdP advertises only post', async () => {
    const auth = new OidcCredentialsAuth(
      ciOptions({
        clientId: idp.clients.ciPost.clientId,
        clientSecret: idp.clients.ciPost.clientSecret,
        plugins: [testIdpPlugin(idp.issuer, { authMethods: ['client_secret_post'] })],
      }),
    );
    expect(await auth.getAccessToken()).toBeTruthy();
    const [grant] = grants();
    expect(grant?.parameters.client_id).toBe(idp.clients.ciPost.clientId);
    expect(grant?.parameters.client_secret).toBe('[redacted]');
  });

  it('the same client gets basic while the IdP advertises basic too (basic is preferred)', async () => {
    await new OidcCredentialsAuth(
      ciOptions({ clientId: idp.clients.ciPost.clientId, clientSecret: idp.clients.ciPost.clientSecret }),
    ).getAccessToken();
    const [grant] = grants();
    expect(grant?.clientId).toBe(idp.clients.ciPost.clientId);
    expect(grant?.parameters).not.toHaveProperty('client_secret');
  });

  it('a wrong secret is TOKEN_REQUEST_FAILED (invalid_client) telling to check the secret, without the secret', async () => {
    const wrong = `${idp.clients.ci.clientSecret}-wrong`;
    const error = await rejectionOf(
      new OidcCredentialsAuth(ciOptions({ clientSecret: wrong })).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.message).toContain('clientSecret');
    expect(error.message).not.toContain(wrong);
    expect(error.flow).toBe('client_credentials');
  });

  it('private_key_jwt with a key file (privateKeyPath), no secret at all', async () => {
    const keyPath = await writePrivateKeyFile(
      await directories.make(),
      idp.clients.ciJwt.signingKey.privateKeyPem,
    );
    const auth = new OidcCredentialsAuth(
      ciOptions({ clientId: idp.clients.ciJwt.clientId, clientSecret: '', privateKeyPath: keyPath }),
    );
    expect(await auth.getAccessToken()).toBeTruthy();
    const [grant] = grants();
    expect(grant?.clientId).toBe(idp.clients.ciJwt.clientId);
    expect(grant?.parameters.client_assertion_type).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(grant?.parameters.client_assertion).toBe('[redacted]');
    expect(grant?.parameters).not.toHaveProperty('client_secret');
  });

  it('private_key_jwt with the key path from OIDCFLOW_PRIVATE_KEY_PATH', async () => {
    const keyPath = await writePrivateKeyFile(
      await directories.make(),
      idp.clients.ciJwt.signingKey.privateKeyPem,
    );
    const auth = new OidcCredentialsAuth(
      ciOptions({
        clientId: idp.clients.ciJwt.clientId,
        clientSecret: '',
        env: { OIDCFLOW_PRIVATE_KEY_PATH: keyPath },
      }),
    );
    expect(await auth.getAccessToken()).toBeTruthy();
    expect(grants()[0]?.parameters.client_assertion_type).toContain('jwt-bearer');
  });
});

describe('the client secret', () => {
  it('comes from OIDCFLOW_CLIENT_SECRET when the option is absent', async () => {
    const auth = new OidcCredentialsAuth(
      ciOptions({ clientSecret: undefined, env: { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret } }),
    );
    expect(await auth.getAccessToken()).toBeTruthy();
    expect(grants()).toHaveLength(1);
    // The getter reports the option as given, never the environment's secret.
    expect(auth.clientSecret).toBe('');
  });

  it('missing: CLIENT_SECRET_MISSING naming both the option and the variable, and no token request', async () => {
    const error = await rejectionOf(
      new OidcCredentialsAuth(ciOptions({ clientSecret: undefined, env: {} })).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.CLIENT_SECRET_MISSING);
    expect(error.message).toContain('clientSecret');
    expect(error.message).toContain('OIDCFLOW_CLIENT_SECRET');
    expect(error.message).toContain(idp.clients.ci.clientId);
    expect(error.flow).toBe('client_credentials');
    expect(idp.requests.tokenRequests()).toBe(0);
  });

  it('is never written to the cache file nor printed, even with debug output and a failed grant', async () => {
    const cachePath = await directories.make();
    const printed: string[] = [];
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const secret = idp.clients.ci.clientSecret;
    const base = {
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      cachePath,
      env: { OIDCFLOW_DEBUG: '1', OIDCFLOW_CLIENT_SECRET: secret },
      // No cache plugin and no logger given: the installed @oidcflow/cache-file and the stderr logger.
      plugins: [createClientCredentialsFlow()],
    };
    const auth = new OidcCredentialsAuth(base);
    await auth.getAccessToken();
    await auth.login();
    const cacheFile = await auth.resolvedCachePath();
    expect(cacheFile?.startsWith(cachePath)).toBe(true);

    // A wrong secret fails; its error and output must not carry it either.
    const wrong = `${secret}-wrong`;
    const error = await rejectionOf(new OidcCredentialsAuth({ ...base, clientSecret: wrong }).login());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    vi.restoreAllMocks();

    const stored = await contentsOf(cachePath);
    expect(stored).toContain('client_credentials');
    expect(stored).not.toContain(secret);
    const output = printed.join('');
    expect(output).toContain('oidcflow:'); // debug output was on, so the check means something
    expect(output).not.toContain(secret);
    expect(`${error.message} ${String(error.cause)} ${JSON.stringify(error)}`).not.toContain(secret);
  });
});

describe('with the installed file cache', () => {
  it('a corrupt cache file is a miss with one warning, and the grant replaces it', async () => {
    const cachePath = await directories.make();
    const warnings: string[] = [];
    const options = {
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      cachePath,
      // By name: @oidcflow/cache-keyring is linked beside core in this workspace too.
      cache: 'file' as const,
      env: {},
      plugins: [createClientCredentialsFlow()],
      logger: { debug: () => undefined, warn: (message: string) => warnings.push(message) },
    };
    const cacheFile = await new OidcCredentialsAuth(options).resolvedCachePath();
    await mkdir(cachePath, { recursive: true, mode: 0o700 });
    await writeFile(cacheFile!, '{"version": 1, "key": {"iss', { mode: 0o600 });

    const token = await new OidcCredentialsAuth(options).getAccessToken();
    expect(token).toBeTruthy();
    expect(warnings).toEqual([expect.stringContaining('not valid JSON')]);
    expect(JSON.parse(await readFile(cacheFile!, 'utf8')).version).toBe(1);
    expect(await new OidcCredentialsAuth(options).getAccessToken()).toBe(token);
    expect(grants()).toHaveLength(1);
  });
});

describe('audience', () => {
  it('is sent as `resource` for an IdP plugin that says so, and becomes the access token audience', async () => {
    const resource = idp.resources[0]!;
    const tokens = await new OidcCredentialsAuth(
      ciOptions({
        audience: resource,
        plugins: [testIdpPlugin(idp.issuer, { audienceParameter: 'resource' })],
      }),
    ).getTokens();
    const [grant] = grants();
    expect(grant?.parameters.resource).toBe(resource);
    expect(grant?.parameters).not.toHaveProperty('audience');
    expect(jwtClaims(tokens.accessToken).aud).toBe(resource);
  });

  it('is sent as `audience` (the default) and as both when the plugin says both', async () => {
    const audience = idp.resources[0]!;
    await new OidcCredentialsAuth(ciOptions({ audience })).getAccessToken();
    expect(grants()[0]?.parameters.audience).toBe(audience);
    expect(grants()[0]?.parameters).not.toHaveProperty('resource');

    cache = createMemoryCache();
    idp.requests.reset();
    await new OidcCredentialsAuth(
      ciOptions({ audience, plugins: [testIdpPlugin(idp.issuer, { audienceParameter: 'both' })] }),
    ).getAccessToken();
    expect(grants()[0]?.parameters).toMatchObject({ audience, resource: audience });
  });

  it('an unknown resource is INVALID_TARGET', async () => {
    const error = await rejectionOf(
      new OidcCredentialsAuth(
        ciOptions({
          audience: 'https://unknown.example.test',
          plugins: [testIdpPlugin(idp.issuer, { audienceParameter: 'resource' })],
        }),
      ).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.INVALID_TARGET);
  });

  it('comes from the server source with useServerAudience', async () => {
    const resource = idp.resources[0]!;
    await new OidcCredentialsAuth(
      ciOptions({
        server: () => ({ audience: resource }),
        useServerAudience: true,
        plugins: [testIdpPlugin(idp.issuer, { audienceParameter: 'resource' })],
      }),
    ).getAccessToken();
    expect(grants()[0]?.parameters.resource).toBe(resource);
  });
});

describe('scopes', () => {
  it('as given', async () => {
    const tokens = await new OidcCredentialsAuth(ciOptions({ scopes: ['api:read'] })).getTokens();
    expect(grants()[0]?.parameters.scope).toBe('api:read');
    expect(tokens.accessToken).toBeTruthy();
  });

  it('else those the server advertises', async () => {
    await new OidcCredentialsAuth(ciOptions({ server: () => ({ scopes: ['api:read'] }) })).getAccessToken();
    expect(grants()[0]?.parameters.scope).toBe('api:read');
  });

  it('else none: no scope parameter at all', async () => {
    await new OidcCredentialsAuth(ciOptions()).getAccessToken();
    expect(grants()[0]?.parameters).not.toHaveProperty('scope');
  });
});

describe('lifetime', () => {
  const keyOf = () =>
    cacheKeyFor({ issuer: idp.issuer, clientId: idp.clients.ci.clientId, scopes: [], family: 'client' });

  it('a cached token is reused: many calls and a new instance cost one grant', async () => {
    const auth = new OidcCredentialsAuth(ciOptions());
    const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await new OidcCredentialsAuth(ciOptions()).getAccessToken()).toBe(tokens[0]);
    expect(grants()).toHaveLength(1);
  });

  it('an expiring token is replaced by one new grant, run while the cache lock is held', async () => {
    let lockDepth = 0;
    const lockingCache: CachePlugin = {
      ...cache,
      async withLock(key, critical, options) {
        return (cache as Required<CachePlugin>).withLock(
          key,
          async () => {
            lockDepth++;
            try {
              return await critical();
            } finally {
              lockDepth--;
            }
          },
          options,
        );
      },
    };
    const realFlow = createClientCredentialsFlow();
    const runsUnderLock: boolean[] = [];
    const observedFlow: FlowPlugin = {
      ...realFlow,
      run: (context) => {
        runsUnderLock.push(lockDepth === 1);
        return realFlow.run(context);
      },
    };
    const options = { ...ciOptions(), plugins: [lockingCache, observedFlow] };
    const first = await new OidcCredentialsAuth(options).getAccessToken();
    const entry = await cache.get(keyOf());
    // Still valid for 30 s of its 1 h: inside the 60 s skew, so it counts as expiring.
    await cache.set(keyOf(), {
      ...entry!,
      savedAt: Date.now() - 3_570_000,
      tokens: { ...entry!.tokens, expiresAt: Date.now() + 30_000 },
    });

    const instances = Array.from({ length: 8 }, () => new OidcCredentialsAuth(options));
    const replaced = await Promise.all(instances.map((auth) => auth.getAccessToken()));
    expect(new Set(replaced).size).toBe(1);
    expect(replaced[0]).not.toBe(first);
    expect(grants()).toHaveLength(2);
    expect(runsUnderLock).toEqual([true, true]);
    expect((await cache.get(keyOf()))?.tokens.accessToken).toBe(replaced[0]);
  });

  it('login() always asks for a new grant', async () => {
    const auth = new OidcCredentialsAuth(ciOptions());
    const first = await auth.getAccessToken();
    const second = (await auth.login()).accessToken;
    expect(second).not.toBe(first);
    expect(await auth.getAccessToken()).toBe(second);
    expect(grants()).toHaveLength(2);
  });

  it('a client credentials response carries no refresh token, and the entry says which flow made it', async () => {
    const tokens = await new OidcCredentialsAuth(ciOptions()).getTokens();
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.tokenType.toLowerCase()).toBe('bearer');
    expect((await cache.get(keyOf()))?.flow).toBe('client_credentials');
  });
});
