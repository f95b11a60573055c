// The `profile` option: the configuration file the CLI uses (a real file in a temporary folder,
// found through the `env` option), options > variables core reads > profile > defaults, a
// login it drives against the embedded oidc-provider, `explain()` naming what came from it,
// and a bad file or name failing with the file, the line and the option.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  profileFilePath,
  profileOptions,
  readProfileFile,
  silentLogger,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { loaderWith } from './fake-flows.js';
import { headlessPortFlow } from './test-flows.js';

let idp: TestIdp;
let folder: string;
let config: string;

beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'oidcflow-profile-'));
  config = join(folder, 'config.toml');
  idp.requests.reset();
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const profilesText = () => `# the test IdP; written by hand
default-profile = "other"

[profiles.dev]
issuer = "${idp.issuer}"
client-id = "${idp.clients.native.clientId}"
scope = ["openid", "profile"]
login-hint = "bob"   # pre-fills the IdP's page
callback-port = 9999
cache = "keyring"
token-type = "id"    # the CLI's own
identity-use = "jwt_bearer"

[profiles.other]
issuer = "https://other.example"
client-id = "other"
`;

/** What the program itself passes: the flow, the cache and a quiet logger, never the IdP. */
const program = (extra: Partial<OidcAuthOptions> = {}): OidcAuthOptions => ({
  flow: 'headless_port_code',
  plugins: [createMemoryCache(), headlessPortFlow(completeAuthorizationWithoutBrowser, idp.users.bob)],
  loadModule: loaderWith({}),
  logger: silentLogger,
  env: { OIDCFLOW_CONFIG: config },
  ...extra,
});

describe('the profile option', () => {
  it('a profile drives a login at the embedded oidc-provider; explain() says what came from it', async () => {
    await writeFile(config, profilesText());
    const auth = new OidcAuth(program({ profile: 'dev' }));
    const tokens = await auth.login();
    expect(tokens.idTokenClaims?.sub).toBe('bob');
    const [request] = idp.requests.list({ path: '/auth', method: 'GET' });
    expect(request?.parameters).toMatchObject({
      client_id: idp.clients.native.clientId,
      login_hint: 'bob',
      scope: 'openid profile',
    });
    // The next call answers from the cache of the same settings: no second login.
    expect(await auth.getAccessToken()).toBe(tokens.accessToken);
    expect(idp.requests.list({ path: '/auth', method: 'GET' })).toHaveLength(1);

    const report = await auth.explain();
    expect(report.issuer).toBe(idp.issuer);
    expect(report.profile).toEqual({
      name: 'dev',
      path: config,
      applied: [
        { option: 'issuer', value: idp.issuer, from: `profile dev (${config}:5)` },
        { option: 'clientId', value: idp.clients.native.clientId, from: `profile dev (${config}:6)` },
        { option: 'scopes', value: ['openid', 'profile'], from: `profile dev (${config}:7)` },
        { option: 'cache', value: 'keyring', from: `profile dev (${config}:10)` },
        { option: 'callbackPort', value: 9999, from: `profile dev (${config}:9)` },
        { option: 'loginHint', value: 'bob', from: `profile dev (${config}:8)` },
      ],
      ignored: [
        { key: 'identity-use', reason: 'taken by OidcCredentialsAuth only' },
        { key: 'token-type', reason: 'a setting of the oidcflow command only' },
      ],
    });
    // The attributes are the options as given.
    expect(auth.issuer).toBe('');
  });

  it("the program's options > the variables core reads > the profile > the defaults", async () => {
    await writeFile(config, profilesText());
    const auth = new OidcAuth(
      program({
        profile: 'dev',
        loginHint: 'alice',
        scopes: ['openid'],
        env: { OIDCFLOW_CONFIG: config, OIDCFLOW_CACHE: 'file' },
      }),
    );
    await auth.login();
    const [request] = idp.requests.list({ path: '/auth', method: 'GET' });
    expect(request?.parameters).toMatchObject({ login_hint: 'alice', scope: 'openid' });
    const { profile } = await auth.explain();
    expect(profile?.applied.map((row) => row.option)).toEqual(['issuer', 'clientId', 'callbackPort']);
    expect(profile?.ignored).toEqual([
      { key: 'scope', reason: 'the scopes option is given' },
      { key: 'identity-use', reason: 'taken by OidcCredentialsAuth only' },
      { key: 'cache', reason: 'OIDCFLOW_CACHE is set' },
      { key: 'login-hint', reason: 'the loginHint option is given' },
      { key: 'token-type', reason: 'a setting of the oidcflow command only' },
    ]);
  });

  it('OidcCredentialsAuth takes the keys of the client credentials grant and leaves the login ones', async () => {
    await writeFile(config, profilesText());
    const auth = new OidcCredentialsAuth({
      profile: 'dev',
      clientSecret: 'not-used-here',
      plugins: [createMemoryCache()],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: { OIDCFLOW_CONFIG: config },
    });
    const { profile, issuer } = await auth.explain();
    expect(issuer).toBe(idp.issuer);
    expect(profile?.applied.map((row) => row.option)).toEqual([
      'issuer',
      'clientId',
      'scopes',
      'identityUse',
      'cache',
    ]);
    expect(profile?.ignored.map((row) => `${row.key}: ${row.reason}`)).toEqual([
      'callback-port: taken by OidcAuth only',
      'login-hint: taken by OidcAuth only',
      'token-type: a setting of the oidcflow command only',
    ]);
  });

  it('every key the library takes fills the option of its name', async () => {
    const values: Record<string, string> = {
      string: '"x"',
      integer: '7',
      boolean: 'true',
      list: '["a"]',
      pairs: '{ k = "v" }',
    };
    const secretFile = join(folder, 'secret');
    await writeFile(secretFile, 'from-the-file\n');
    values['client-secret-file'] = JSON.stringify(secretFile);
    const options = await profileOptions();
    const lines = [...options.values()]
      .filter((option) => option.usedBy === 'all' || option.usedBy === 'user')
      .map(
        (option) =>
          `${option.key} = ${values[option.key] ?? (option.choices ? `"${option.choices[0]}"` : values[option.kind])}`,
      );
    await writeFile(config, `[profiles.every]\n${lines.join('\n')}\n`);
    const { withProfile } = await import('../src/config/with-profile.js');
    const { options: filled, report } = await withProfile(
      { profile: 'every', env: { OIDCFLOW_CONFIG: config } },
      'user',
    );
    expect(report.ignored).toEqual([]);
    expect(report.applied).toHaveLength(lines.length);
    // Every key, in the option of its name: typed, so a setting that names no option fails to compile.
    const expected: OidcAuthOptions = {
      issuer: 'x',
      clientId: 'x',
      scopes: ['a'],
      audience: 'x',
      useServerAudience: true,
      server: { resourceUrl: 'x' },
      flow: 'x',
      account: 'x',
      clientSecret: 'from-the-file',
      privateKeyPath: 'x',
      privateKeyId: 'x',
      caCertPath: 'x',
      cachePath: 'x',
      cache: 'auto',
      cacheFallback: 'file',
      tokenEndpoint: 'x',
      deviceAuthorizationEndpoint: 'x',
      authorizationEndpoint: 'x',
      allowInsecureHttp: true,
      dpop: true,
      fetchTimeoutSeconds: 7,
      allowedOrigins: ['a'],
      stepUp: 'auto',
      httpTimeoutSeconds: 7,
      forceLogin: true,
      openBrowser: false,
      redirectUri: 'x',
      callbackHost: 'x',
      callbackPort: 7,
      callbackTimeoutSeconds: 7,
      pkce: false,
      loginHint: 'x',
      prompt: 'x',
      acrValues: ['a'],
      maxAge: 7,
      uiLocales: ['a'],
      authParams: { k: 'v' },
    };
    expect(filled).toEqual({ profile: 'every', env: { OIDCFLOW_CONFIG: config }, ...expected });
  });

  it('client-secret-file: the secret of the file the profile names, never shown; the option and OIDCFLOW_CLIENT_SECRET win', async () => {
    const secretFile = join(folder, 'ci-secret');
    await writeFile(secretFile, `${idp.clients.ci.clientSecret}\n`);
    await writeFile(
      config,
      `[profiles.ci]\nissuer = "${idp.issuer}"\nclient-id = "${idp.clients.ci.clientId}"\nclient-secret-file = ${JSON.stringify(secretFile)}\n`,
    );
    const options = {
      profile: 'ci',
      plugins: [createMemoryCache()],
      logger: silentLogger,
      env: { OIDCFLOW_CONFIG: config },
    };
    const auth = new OidcCredentialsAuth(options);
    expect((await auth.getTokens()).tokenType).toMatch(/^bearer$/i);
    const report = await auth.explain();
    expect(report.profile?.applied).toContainEqual({
      option: 'clientSecret',
      value: `read from ${secretFile}`,
      from: `profile ci (${config}:4)`,
    });
    expect(JSON.stringify(report)).not.toContain(idp.clients.ci.clientSecret);

    const given = await new OidcCredentialsAuth({ ...options, clientSecret: 'given' }).explain();
    expect(given.profile?.ignored).toEqual([
      { key: 'client-secret-file', reason: 'the clientSecret option is given' },
    ]);
    const variable = await new OidcCredentialsAuth({
      ...options,
      env: { ...options.env, OIDCFLOW_CLIENT_SECRET: 'from-env' },
    }).explain();
    expect(variable.profile?.ignored).toEqual([
      { key: 'client-secret-file', reason: 'OIDCFLOW_CLIENT_SECRET is set' },
    ]);

    await rm(secretFile);
    const error = await errorOf(() => new OidcCredentialsAuth(options).getAccessToken());
    expect(error.code).toBe(ErrorCode.PROFILE_INVALID);
    expect(error.message).toBe(
      `${config}:4: client-secret-file ${secretFile} of profile "ci" cannot be read (ENOENT): give the path of a file that holds only the secret.`,
    );
  });

  it('without the option no profile is used, not even the default one or OIDCFLOW_PROFILE', async () => {
    await writeFile(config, profilesText());
    const auth = new OidcAuth(program({ env: { OIDCFLOW_CONFIG: config, OIDCFLOW_PROFILE: 'dev' } }));
    expect((await errorOf(() => auth.getAccessToken())).code).toBe(ErrorCode.CONFIG_MISSING_ISSUER);
  });

  it('the file is found where the CLI finds it: OIDCFLOW_CONFIG, else $XDG_CONFIG_HOME or ~/.config', async () => {
    expect(profileFilePath({ OIDCFLOW_CONFIG: '/x/y.toml', HOME: '/h' }, 'linux')).toBe('/x/y.toml');
    expect(profileFilePath({ HOME: '/h' }, 'linux')).toBe('/h/.config/oidcflow/config.toml');
    expect(profileFilePath({ HOME: '/h', XDG_CONFIG_HOME: '/c' }, 'linux')).toBe('/c/oidcflow/config.toml');
    expect(profileFilePath({ HOME: '/h' }, 'darwin')).toBe(
      '/h/Library/Application Support/oidcflow/config.toml',
    );
    expect(profileFilePath({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toMatch(
      /AppData.Roaming.oidcflow.config\.toml$/,
    );

    const home = join(folder, 'home');
    await mkdir(join(home, '.config', 'oidcflow'), { recursive: true });
    await writeFile(join(home, '.config', 'oidcflow', 'config.toml'), profilesText());
    const auth = new OidcAuth(program({ profile: 'dev', env: { HOME: home } }));
    expect((await auth.explain()).profile?.path).toBe(join(home, '.config', 'oidcflow', 'config.toml'));
    expect((await readProfileFile({ env: { HOME: home } })).defaultProfile).toBe('other');
  });
});

describe('a bad configuration file or name', () => {
  it('an unknown profile lists the known ones; no file says how to make one', async () => {
    await writeFile(config, profilesText());
    let error = await errorOf(() => new OidcAuth(program({ profile: 'prod' })).getAccessToken());
    expect(error.code).toBe(ErrorCode.PROFILE_UNKNOWN);
    expect(error.message).toBe(`${config}: no profile "prod"; the profiles are: dev, other.`);

    error = await errorOf(() =>
      new OidcAuth(
        program({ profile: 'dev', env: { OIDCFLOW_CONFIG: join(folder, 'none.toml') } }),
      ).explain(),
    );
    expect(error.code).toBe(ErrorCode.PROFILE_UNKNOWN);
    expect(error.message).toContain('profile "dev" was asked for, and there is no configuration file here');
  });

  it('malformed TOML, an unknown option, a value of the wrong kind: the file, the line and the option', async () => {
    const cases: Array<[string, string]> = [
      [
        '# ok\n[profiles.dev]\nissuer = "https://x.example"\nclient-id = oops\n',
        `${config}:4: not valid TOML`,
      ],
      [
        '[profiles.dev]\nissuer = "https://x.example"\n\nisuer = "typo"\n',
        `${config}:4: unknown option "isuer" in profile "dev". A profile holds the options' flag names without "--": issuer, client-id,`,
      ],
      [
        '[profiles.dev]\nissuer = "https://x.example"\n"client(id" = "x"\n',
        `${config}:3: unknown option "client(id" in profile "dev".`,
      ],
      [
        '"default(profile" = "dev"\n[profiles.dev]\n',
        `${config}:1: unknown key "default(profile": the file holds default-profile`,
      ],
      [
        '[profiles.dev]\ncallback-port = "8000"\n',
        `${config}:2: option "callback-port" in profile "dev" must be a whole number.`,
      ],
      [
        '[profiles.dev]\ncache = "cloud"\n',
        `${config}:2: option "cache" in profile "dev" must be one of auto, keyring, file.`,
      ],
      [
        'default-profile = "gone"\n[profiles.dev]\n',
        `${config}:1: no profile "gone"; the profiles are: dev.`,
      ],
    ];
    for (const [text, message] of cases) {
      await writeFile(config, text);
      const error = await errorOf(() => new OidcAuth(program({ profile: 'dev' })).getAccessToken());
      expect(error.code).toBe(ErrorCode.PROFILE_INVALID);
      expect(error.message.startsWith(message), error.message).toBe(true);
    }
  });

  it('an unreadable file names it; once fixed, the same instance reads it again', async () => {
    await mkdir(config);
    const auth = new OidcAuth(program({ profile: 'dev' }));
    const error = await errorOf(() => auth.explain());
    expect(error.code).toBe(ErrorCode.PROFILE_INVALID);
    expect(error.message).toContain(`${config}: the configuration file cannot be read (EISDIR)`);
    await rm(config, { recursive: true });
    await writeFile(config, profilesText());
    expect((await auth.explain()).profile?.name).toBe('dev');
  });

  it('a profile value core refuses is CONFIG_INVALID, as the option would be', async () => {
    await writeFile(config, '[profiles.dev]\nissuer = "https://x.example"\ncallback-port = 70000\n');
    const error = await errorOf(() => new OidcAuth(program({ profile: 'dev' })).getAccessToken());
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toContain('callbackPort 70000 is not a port');
    expect(() => new OidcAuth({ profile: ' ' })).toThrow(/profile must be the name of a profile/);
  });
});
