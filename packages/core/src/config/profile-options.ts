/** How a profile value is written: `"text"`, `8000`, `true`, `["a", "b"]` (or `"a b"`), `{ k = "v" }`. */
export type ProfileOptionKind = 'string' | 'integer' | 'boolean' | 'list' | 'pairs';

/** One key a profile may hold. */
export interface ProfileOption {
  /** The key in the file: the CLI's flag without `--` (`client-id`). */
  readonly key: string;
  /**
   * The setting it fills: the library option of that name where there is one (`clientId`), else
   * the CLI's own setting (`tokenType`). `resourceUrl` is the library's `server: { resourceUrl }`;
   * `subjectTokenType`, `requestedTokenType` and `resources` are `tokenExchange`'s; the file
   * `clientSecretFile` names holds `clientSecret`.
   */
  readonly setting: string;
  readonly kind: ProfileOptionKind;
  /** The only values allowed, where the option has a fixed set. */
  readonly choices?: readonly string[];
  /** A flag that switches something off: `no-browser = true` is `openBrowser: false`. */
  readonly inverted?: boolean;
  /**
   * Who takes it: both classes (`all`), `OidcAuth` only (`user`), `OidcCredentialsAuth` only
   * (`client`), or only the CLI (`cli`: which class to use, what a command prints). The
   * library reads `client-secret-file` into `clientSecret`. The library accepts every key, so
   * one file serves both, and ignores the ones its class does not take (`explain()` lists them).
   */
  readonly usedBy: 'all' | 'user' | 'client' | 'cli';
}

type Row = readonly [
  key: string,
  setting: string,
  kind: ProfileOptionKind,
  usedBy: ProfileOption['usedBy'],
  extra?: Partial<ProfileOption>,
];

/**
 * The keys of a profile, in the order of the CLI's option table: every option of a login's
 * settings, not those about one run (`--output`, `--help`, `--client-secret-stdin`, `fetch`'s
 * request, `dev-idp`'s port). The CLI's flags of the same names must agree with it in kind and
 * choices (packages/cli/src/profiles/profile-options.test.ts checks).
 */
const ROWS: readonly Row[] = [
  ['issuer', 'issuer', 'string', 'all'],
  ['client-id', 'clientId', 'string', 'all'],
  ['scope', 'scopes', 'list', 'all'],
  ['audience', 'audience', 'string', 'all'],
  ['use-server-audience', 'useServerAudience', 'boolean', 'all'],
  ['resource-url', 'resourceUrl', 'string', 'all'],
  ['flow', 'flow', 'string', 'all'],
  ['client-credentials', 'clientCredentials', 'boolean', 'cli'],
  ['account', 'account', 'string', 'user'],
  ['client-secret-file', 'clientSecretFile', 'string', 'all'],
  ['private-key-path', 'privateKeyPath', 'string', 'all'],
  ['private-key-id', 'privateKeyId', 'string', 'all'],
  ['identity-source', 'identitySource', 'string', 'client'],
  [
    'identity-use',
    'identityUse',
    'string',
    'client',
    { choices: ['auto', 'client_assertion', 'jwt_bearer', 'token_exchange'] },
  ],
  ['identity-audience', 'identityAudience', 'string', 'client'],
  ['subject-token-type', 'subjectTokenType', 'string', 'client'],
  ['requested-token-type', 'requestedTokenType', 'string', 'client'],
  ['resource', 'resources', 'list', 'client'],
  ['ca-cert-path', 'caCertPath', 'string', 'all'],
  ['cache-path', 'cachePath', 'string', 'all'],
  ['cache', 'cache', 'string', 'all', { choices: ['auto', 'keyring', 'file'] }],
  ['cache-fallback', 'cacheFallback', 'string', 'all', { choices: ['file', 'error'] }],
  ['token-endpoint', 'tokenEndpoint', 'string', 'all'],
  ['device-authorization-endpoint', 'deviceAuthorizationEndpoint', 'string', 'all'],
  ['authorization-endpoint', 'authorizationEndpoint', 'string', 'user'],
  ['allow-insecure-http', 'allowInsecureHttp', 'boolean', 'all'],
  ['dpop', 'dpop', 'boolean', 'all'],
  ['fetch-timeout-seconds', 'fetchTimeoutSeconds', 'integer', 'all'],
  ['allowed-origin', 'allowedOrigins', 'list', 'all'],
  ['step-up', 'stepUp', 'string', 'user', { choices: ['auto', 'login', 'error'] }],
  ['http-timeout-seconds', 'httpTimeoutSeconds', 'integer', 'all'],
  ['force-login', 'forceLogin', 'boolean', 'user'],
  ['no-browser', 'openBrowser', 'boolean', 'user', { inverted: true }],
  ['redirect-uri', 'redirectUri', 'string', 'user'],
  ['callback-host', 'callbackHost', 'string', 'user'],
  ['callback-port', 'callbackPort', 'integer', 'user'],
  ['callback-timeout-seconds', 'callbackTimeoutSeconds', 'integer', 'user'],
  ['no-pkce', 'pkce', 'boolean', 'user', { inverted: true }],
  ['login-hint', 'loginHint', 'string', 'user'],
  ['prompt', 'prompt', 'string', 'user'],
  ['acr-values', 'acrValues', 'list', 'user'],
  ['max-age', 'maxAge', 'integer', 'user'],
  ['ui-locales', 'uiLocales', 'list', 'user'],
  ['auth-param', 'authParams', 'pairs', 'user'],
  ['token-type', 'tokenType', 'string', 'cli', { choices: ['access', 'id'] }],
  ['host', 'gitHosts', 'list', 'cli'],
  ['username', 'username', 'string', 'cli'],
];

/** Every key a profile may hold, by its name in the file. */
export const PROFILE_OPTIONS: ReadonlyMap<string, ProfileOption> = new Map(
  ROWS.map(([key, setting, kind, usedBy, extra]) => [key, { key, setting, kind, usedBy, ...extra }]),
);
