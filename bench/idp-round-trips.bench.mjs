// (b) 1,000 getAccessToken() calls within one token lifetime with client credentials: how many
//     token requests reach the IdP. (d) IdP round trips per operation: cached, refresh, grant.
// Baselines are openid-client used directly, as a script without a cache would: discovery,
// then the grant or refresh, every time.
import { browserlessLogin, loadOidcflow, loadOpenIdClient, rawConfiguration, startIdp } from './lib/idp.mjs';
import { temporaryDirectories } from './lib/workspace.mjs';

export const title = 'IdP round trips';
export const notes =
  'Counts come from the test IdP request log (every HTTP request it received). "Cached metadata" means the discovery document saved beside the tokens; with it a refresh or a new grant is exactly one request.';

const CALLS = 1_000;
const INSTANCES = 10;

export default async function roundTripBenchmarks({ log }) {
  const directories = temporaryDirectories();
  const { idp, completeAuthorizationWithoutBrowser } = await startIdp();
  try {
    const { core, cacheFile } = await loadOidcflow();
    const client = await loadOpenIdClient();
    const ci = idp.clients.ci;
    const credentials = async (extra = {}) => ({
      issuer: idp.issuer,
      clientId: ci.clientId,
      clientSecret: ci.clientSecret,
      // The workspace links the keyring cache beside core: these rows count requests of the file cache.
      cache: 'file',
      cachePath: await directories.make(),
      logger: core.silentLogger,
      env: {},
      ...extra,
    });
    const rows = [];

    // (b) Ten instances (as ten parts of a program would have) share 1,000 calls.
    log(`(b) ${CALLS} getAccessToken() calls over ${INSTANCES} instances`);
    const shared = await credentials();
    idp.requests.reset();
    await Promise.all(
      Array.from({ length: INSTANCES }, async () => {
        const auth = new core.OidcCredentialsAuth(shared);
        for (let call = 0; call < CALLS / INSTANCES; call++) await auth.getAccessToken();
      }),
    );
    const oidcflowGrants = idp.requests.tokenRequests();
    const oidcflowAll = idp.requests.count();
    idp.requests.reset();
    const configuration = await rawConfiguration(client, idp, ci.clientId, ci.clientSecret);
    for (let call = 0; call < CALLS; call++) await client.clientCredentialsGrant(configuration);
    const rawGrants = idp.requests.tokenRequests();
    rows.push({
      figure: `(b) token requests for ${CALLS.toLocaleString('en')} getAccessToken() in one token lifetime`,
      oidcflow: oidcflowGrants,
      baseline: rawGrants,
      ratio: oidcflowGrants / rawGrants,
      goal: '1',
      unit: 'req',
    });
    log(`(b) all requests including discovery: oidcflow ${oidcflowAll}`);

    // (d) One operation each, counted from a reset log.
    log('(d) round trips per operation');
    const countOf = async (operation) => {
      idp.requests.reset();
      await operation();
      return idp.requests.count();
    };

    // A user login, then: a cached hit, and a refresh of the expired token, by new instances.
    const userOptions = {
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: ['openid', 'profile'],
      cache: 'file',
      cachePath: await directories.make(),
    };
    await browserlessLogin(core, idp, completeAuthorizationWithoutBrowser, userOptions);
    const newUserAuth = () =>
      new core.OidcAuth({ ...userOptions, flow: 'auth_code', logger: core.silentLogger, env: {} });
    const cachedCount = await countOf(() => newUserAuth().getAccessToken());
    const userKey = core.cacheKeyFor({ ...userOptions, family: 'user' });
    const userCache = cacheFile.createFileCache({ cachePath: userOptions.cachePath });
    const expire = async (cache, key) => {
      const entry = await cache.get(key);
      await cache.set(key, { ...entry, tokens: { ...entry.tokens, expiresAt: Date.now() - 1000 } });
    };
    await expire(userCache, userKey);
    const refreshCount = await countOf(() => newUserAuth().getAccessToken());
    const rawRefreshCount = await countOf(async () => {
      const raw = await rawConfiguration(client, idp, idp.clients.native.clientId);
      await client.refreshTokenGrant(raw, (await userCache.get(userKey)).tokens.refreshToken);
    });

    // Client credentials: the first grant (discovery + grant), and a new grant for an expired token.
    const grantOptions = await credentials();
    const firstGrantCount = await countOf(() => new core.OidcCredentialsAuth(grantOptions).getAccessToken());
    const clientKey = core.cacheKeyFor({
      issuer: idp.issuer,
      clientId: ci.clientId,
      scopes: [],
      family: 'client',
    });
    await expire(cacheFile.createFileCache({ cachePath: grantOptions.cachePath }), clientKey);
    const regrantCount = await countOf(() => new core.OidcCredentialsAuth(grantOptions).getAccessToken());
    const overrideCount = await countOf(async () =>
      new core.OidcCredentialsAuth(
        await credentials({ tokenEndpoint: `${idp.issuer}/token` }),
      ).getAccessToken(),
    );
    const rawGrantCount = await countOf(async () => {
      const raw = await rawConfiguration(client, idp, ci.clientId, ci.clientSecret);
      await client.clientCredentialsGrant(raw);
    });

    rows.push(
      {
        figure: '(d) round trips: cached token, new instance',
        oidcflow: cachedCount,
        baseline: null,
        ratio: null,
        goal: '0',
        unit: 'req',
      },
      {
        figure: '(d) round trips: refresh (expired token, cached metadata)',
        oidcflow: refreshCount,
        baseline: rawRefreshCount,
        ratio: refreshCount / rawRefreshCount,
        goal: '1',
        unit: 'req',
      },
      {
        figure: '(d) round trips: client credentials grant (expired token, cached metadata)',
        oidcflow: regrantCount,
        baseline: rawGrantCount,
        ratio: regrantCount / rawGrantCount,
        goal: '1',
        unit: 'req',
      },
      {
        figure: '(d) round trips: first grant, nothing cached (discovery + grant)',
        oidcflow: firstGrantCount,
        baseline: rawGrantCount,
        ratio: firstGrantCount / rawGrantCount,
        goal: '2',
        unit: 'req',
      },
      {
        figure: '(d) round trips: first grant with tokenEndpoint given (no discovery)',
        oidcflow: overrideCount,
        baseline: rawGrantCount,
        ratio: overrideCount / rawGrantCount,
        goal: '1',
        unit: 'req',
      },
    );
    return rows;
  } finally {
    await idp.stop();
    await directories.removeAll();
  }
}
