/**
 * Every option of `oidcflow`, as data. The argument parser's configuration, the environment
 * variable lookup, `--help` and the README's option table are all generated from this one
 * list, so a flag cannot exist in one and be missing from another.
 */

export const COMMAND_NAMES = [
  'login',
  'token',
  'logout',
  'status',
  'explain',
  'git-credential',
  'fetch',
  'accounts',
  'profile',
  'whoami',
  'completion',
  'dev-idp',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The values the options produce, after flag > environment variable > default. */
export interface CliSettings {
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  audience?: string;
  useServerAudience?: boolean;
  resourceUrl?: string;
  caCertPath?: string;
  cachePath?: string;
  cache?: string;
  cacheFallback?: string;
  tokenEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  authorizationEndpoint?: string;
  flow?: string;
  clientCredentials?: boolean;
  forceLogin?: boolean;
  openBrowser?: boolean;
  redirectUri?: string;
  callbackHost?: string;
  callbackPort?: number;
  callbackTimeoutSeconds?: number;
  pkce?: boolean;
  account?: string;
  profile?: string;
  loginHint?: string;
  prompt?: string;
  acrValues?: string[];
  maxAge?: number;
  uiLocales?: string[];
  authParams?: Record<string, string>;
  allowInsecureHttp?: boolean;
  dpop?: boolean;
  method?: string;
  contentType?: string;
  dataStdin?: boolean;
  fetchTimeoutSeconds?: number;
  allowedOrigins?: string[];
  stepUp?: string;
  httpTimeoutSeconds?: number;
  clientSecretFile?: string;
  clientSecretStdin?: boolean;
  privateKeyPath?: string;
  privateKeyId?: string;
  identitySource?: string;
  identityUse?: string;
  identityAudience?: string;
  subjectTokenType?: string;
  requestedTokenType?: string;
  resources?: string[];
  output?: string;
  tokenType?: string;
  username?: string;
  gitHosts?: string[];
  includeRefreshToken?: boolean;
  port?: number;
  help?: boolean;
}

/** `pairs`: a repeatable `key=value` flag whose values are kept whole (`--auth-param claims={…}`). */
export type OptionKind = 'string' | 'integer' | 'boolean' | 'list' | 'pairs';

export interface OptionSpec {
  /** The long flag without its dashes. */
  flag: string;
  short?: string;
  kind: OptionKind;
  /** Which setting the option fills. */
  key: keyof CliSettings;
  /** A boolean flag that switches something off: `--no-browser` sets `openBrowser` to false. */
  inverted?: boolean;
  /** The environment variable read when the flag is absent. Booleans take 1/0, true/false, yes/no. */
  env?: string;
  /** Name of the value in help text. */
  placeholder?: string;
  /** Allowed values; anything else is a usage error. */
  choices?: readonly string[];
  /** Shown in help as "(default: …)"; the default itself is core's (the reference API's). */
  defaultText?: string;
  description: string;
  /** The commands whose help lists the option. */
  commands: readonly CommandName[];
  /**
   * Commands that accept the option without using it, so one set of flags (a shell alias, a
   * wrapper script) works with every command: `status` takes `--callback-port` and ignores it.
   */
  ignoredBy?: readonly CommandName[];
}

/** Commands that talk to the IdP or the cache with the settings of one login. */
export const AUTH: readonly CommandName[] = COMMAND_NAMES.filter(
  (name) => name !== 'dev-idp' && name !== 'profile' && name !== 'completion',
);
/** Commands that may run a login flow (`fetch`: nothing cached yet, or an API's step-up challenge). */
const LOGIN: readonly CommandName[] = ['login', 'token', 'git-credential', 'fetch'];
/** The other commands with login settings, which accept and ignore the login-only options. */
const NOT_LOGIN: readonly CommandName[] = ['logout', 'status', 'explain', 'accounts', 'whoami'];

/** `--token-type`: one flag, worded for each command that takes it. */
const TOKEN_TYPE = {
  flag: 'token-type',
  kind: 'string',
  key: 'tokenType',
  env: 'OIDCFLOW_TOKEN_TYPE',
  placeholder: 'TYPE',
  choices: ['access', 'id'],
} as const satisfies Partial<OptionSpec>;

export const OPTION_TABLE: readonly OptionSpec[] = [
  {
    flag: 'profile',
    kind: 'string',
    key: 'profile',
    env: 'OIDCFLOW_PROFILE',
    placeholder: 'NAME',
    defaultText: 'the default-profile of the configuration file',
    description:
      'the named settings to use from the configuration file (oidcflow profile list); flags and variables win over it',
    commands: [...AUTH, 'profile'],
  },
  // --- who to log in to, and as what (the cache key) ---
  {
    flag: 'issuer',
    kind: 'string',
    key: 'issuer',
    env: 'OIDCFLOW_ISSUER',
    placeholder: 'URL',
    description: 'OIDC issuer URL',
    commands: AUTH,
  },
  {
    flag: 'client-id',
    kind: 'string',
    key: 'clientId',
    env: 'OIDCFLOW_CLIENT_ID',
    placeholder: 'ID',
    description: 'OAuth client id registered with the IdP',
    commands: AUTH,
  },
  {
    flag: 'scope',
    kind: 'list',
    key: 'scopes',
    env: 'OIDCFLOW_SCOPES',
    placeholder: 'SCOPE',
    defaultText: 'the server\'s, else "openid" (none for client credentials)',
    description: 'scope to request; repeat the flag or separate with commas or spaces',
    commands: AUTH,
  },
  {
    flag: 'audience',
    kind: 'string',
    key: 'audience',
    env: 'OIDCFLOW_AUDIENCE',
    placeholder: 'AUDIENCE',
    description: 'audience for the token request (Auth0 and others require one)',
    commands: AUTH,
  },
  {
    flag: 'use-server-audience',
    kind: 'boolean',
    key: 'useServerAudience',
    env: 'OIDCFLOW_USE_SERVER_AUDIENCE',
    description: 'without --audience, use the audience the server advertises (with --resource-url)',
    commands: AUTH,
  },
  {
    flag: 'resource-url',
    kind: 'string',
    key: 'resourceUrl',
    env: 'OIDCFLOW_RESOURCE_URL',
    placeholder: 'URL',
    description: 'protected resource whose RFC 9728 metadata supplies issuer, scopes and audience',
    commands: AUTH,
  },
  {
    flag: 'flow',
    kind: 'string',
    key: 'flow',
    env: 'OIDCFLOW_FLOW',
    placeholder: 'FLOW',
    defaultText: 'auto',
    description: 'auto, auth_code, device, client_credentials, or a plugin flow',
    commands: AUTH,
  },
  {
    flag: 'client-credentials',
    kind: 'boolean',
    key: 'clientCredentials',
    description: 'same as --flow client_credentials (a client secret is needed)',
    commands: AUTH,
  },
  {
    flag: 'account',
    kind: 'string',
    key: 'account',
    env: 'OIDCFLOW_ACCOUNT',
    placeholder: 'NAME',
    defaultText: 'the current account (oidcflow accounts use NAME)',
    description:
      'which logged-in user to use: user name, e-mail or sub; one not logged in yet is logged in with it as login_hint',
    commands: AUTH,
  },
  // --- the client secret: never from argv (see README "in CI with client credentials") ---
  {
    flag: 'client-secret-file',
    kind: 'string',
    key: 'clientSecretFile',
    env: 'OIDCFLOW_CLIENT_SECRET_FILE',
    placeholder: 'PATH',
    description: 'read the client secret from this file (OIDCFLOW_CLIENT_SECRET works too)',
    commands: AUTH,
  },
  {
    flag: 'client-secret-stdin',
    kind: 'boolean',
    key: 'clientSecretStdin',
    description: 'read the client secret from standard input',
    commands: AUTH,
  },
  {
    flag: 'private-key-path',
    kind: 'string',
    key: 'privateKeyPath',
    env: 'OIDCFLOW_PRIVATE_KEY_PATH',
    placeholder: 'PATH',
    description:
      'private key (PKCS#8 PEM or JWK) for private_key_jwt client authentication, instead of a secret',
    commands: AUTH,
  },
  {
    flag: 'private-key-id',
    kind: 'string',
    key: 'privateKeyId',
    env: 'OIDCFLOW_PRIVATE_KEY_ID',
    placeholder: 'KID',
    description: 'kid put in client assertions signed with --private-key-path',
    commands: AUTH,
  },
  // --- workload identity: the platform's own token instead of a stored secret ---
  {
    flag: 'identity-source',
    kind: 'string',
    key: 'identitySource',
    env: 'OIDCFLOW_IDENTITY_SOURCE',
    placeholder: 'SOURCE',
    description:
      "the platform's token instead of a secret (workload identity): auto, github, gitlab[:VARIABLE], kubernetes[:PATH], azure, aws, spiffe:PATH, file:PATH, env:NAME, command:COMMAND",
    commands: AUTH,
  },
  {
    flag: 'identity-use',
    kind: 'string',
    key: 'identityUse',
    env: 'OIDCFLOW_IDENTITY_USE',
    placeholder: 'WAY',
    choices: ['auto', 'client_assertion', 'jwt_bearer', 'token_exchange'],
    defaultText: 'auto: from the IdP metadata',
    description:
      'how the platform token is spent: client_assertion (client authentication, RFC 7523), jwt_bearer (RFC 7523 grant), token_exchange (RFC 8693)',
    commands: AUTH,
  },
  {
    flag: 'identity-audience',
    kind: 'string',
    key: 'identityAudience',
    env: 'OIDCFLOW_IDENTITY_AUDIENCE',
    placeholder: 'AUDIENCE',
    defaultText: 'the issuer',
    description:
      "the audience the platform token is asked for (GitHub Actions): what the IdP's trust expects",
    commands: AUTH,
  },
  {
    flag: 'subject-token-type',
    kind: 'string',
    key: 'subjectTokenType',
    env: 'OIDCFLOW_SUBJECT_TOKEN_TYPE',
    placeholder: 'URN',
    defaultText: 'urn:ietf:params:oauth:token-type:jwt',
    description: 'token exchange: the subject_token_type of the token from --identity-source',
    commands: AUTH,
  },
  {
    flag: 'requested-token-type',
    kind: 'string',
    key: 'requestedTokenType',
    env: 'OIDCFLOW_REQUESTED_TOKEN_TYPE',
    placeholder: 'URN',
    description: "token exchange: the requested_token_type (default: the IdP's, an access token)",
    commands: AUTH,
  },
  {
    flag: 'resource',
    kind: 'list',
    key: 'resources',
    env: 'OIDCFLOW_RESOURCE',
    placeholder: 'URI',
    description: 'token exchange: the resource (API URI) the token is for; repeat for several',
    commands: AUTH,
  },
  // --- where and how to reach the IdP ---
  {
    flag: 'ca-cert-path',
    kind: 'string',
    key: 'caCertPath',
    env: 'OIDCFLOW_CA_CERT_PATH',
    placeholder: 'PATH',
    description: 'PEM bundle trusted for IdP HTTPS calls, in addition to the system roots',
    commands: AUTH,
  },
  {
    flag: 'cache-path',
    kind: 'string',
    key: 'cachePath',
    env: 'OIDCFLOW_CACHE_PATH',
    placeholder: 'DIR',
    defaultText: 'per OS, e.g. ~/.cache/oidcflow',
    description: 'where tokens are cached',
    commands: AUTH,
  },
  {
    flag: 'cache',
    kind: 'string',
    key: 'cache',
    env: 'OIDCFLOW_CACHE',
    placeholder: 'STORE',
    choices: ['auto', 'keyring', 'file'],
    defaultText: 'auto',
    description:
      'where tokens are kept: keyring (encrypted, key in the OS keyring), file (clear, 0600), auto (keyring if one answers)',
    commands: AUTH,
  },
  {
    flag: 'cache-fallback',
    kind: 'string',
    key: 'cacheFallback',
    env: 'OIDCFLOW_CACHE_FALLBACK',
    placeholder: 'WHAT',
    choices: ['file', 'error'],
    defaultText: 'file; error with --cache keyring',
    description: 'where no OS keyring answers: clear files (said once per cache directory), or fail',
    commands: AUTH,
  },
  {
    flag: 'token-endpoint',
    kind: 'string',
    key: 'tokenEndpoint',
    env: 'OIDCFLOW_TOKEN_ENDPOINT',
    placeholder: 'URL',
    description: 'token endpoint, instead of the discovered one',
    commands: AUTH,
  },
  {
    flag: 'device-authorization-endpoint',
    kind: 'string',
    key: 'deviceAuthorizationEndpoint',
    env: 'OIDCFLOW_DEVICE_AUTHORIZATION_ENDPOINT',
    placeholder: 'URL',
    description: 'device authorization endpoint, instead of the discovered one',
    commands: AUTH,
  },
  {
    flag: 'authorization-endpoint',
    kind: 'string',
    key: 'authorizationEndpoint',
    env: 'OIDCFLOW_AUTHORIZATION_ENDPOINT',
    placeholder: 'URL',
    description: 'authorization endpoint, instead of the discovered one',
    commands: AUTH,
  },
  {
    flag: 'allow-insecure-http',
    kind: 'boolean',
    key: 'allowInsecureHttp',
    env: 'OIDCFLOW_ALLOW_INSECURE_HTTP',
    description: 'accept http: URLs on hosts other than loopback (never in production)',
    commands: AUTH,
  },
  {
    flag: 'dpop',
    kind: 'boolean',
    key: 'dpop',
    env: 'OIDCFLOW_DPOP',
    description: 'bind tokens to a key kept in the cache (DPoP, RFC 9449); the token type becomes DPoP',
    commands: AUTH,
  },
  {
    flag: 'method',
    kind: 'string',
    key: 'method',
    placeholder: 'METHOD',
    defaultText: 'GET, or POST with --data-stdin',
    description: 'HTTP method of the request',
    commands: ['fetch'],
  },
  {
    flag: 'content-type',
    kind: 'string',
    key: 'contentType',
    placeholder: 'TYPE',
    description: 'Content-Type of the request body',
    commands: ['fetch'],
  },
  {
    flag: 'data-stdin',
    kind: 'boolean',
    key: 'dataStdin',
    description: 'send stdin as the request body',
    commands: ['fetch'],
  },
  {
    flag: 'fetch-timeout-seconds',
    kind: 'integer',
    key: 'fetchTimeoutSeconds',
    env: 'OIDCFLOW_FETCH_TIMEOUT_SECONDS',
    placeholder: 'SECONDS',
    defaultText: 'the --http-timeout-seconds',
    description: 'seconds the request may take, to the last byte of the answer (exit 6 after)',
    commands: ['fetch'],
  },
  {
    flag: 'allowed-origin',
    kind: 'list',
    key: 'allowedOrigins',
    env: 'OIDCFLOW_ALLOWED_ORIGINS',
    placeholder: 'ORIGIN',
    defaultText: "the URL's origin",
    description:
      'origin the token may go to (repeat, or separate with commas); another URL or redirect gets no token',
    commands: ['fetch'],
  },
  {
    flag: 'step-up',
    kind: 'string',
    key: 'stepUp',
    env: 'OIDCFLOW_STEP_UP',
    placeholder: 'WHEN',
    choices: ['auto', 'login', 'error'],
    defaultText: 'auto',
    description:
      "an API's RFC 9470 step-up challenge (401 insufficient_user_authentication): log in once with the acr_values/max_age it asks for and retry — auto at a terminal, login always, error never (exit 3)",
    commands: ['fetch'],
  },
  {
    flag: 'http-timeout-seconds',
    kind: 'integer',
    key: 'httpTimeoutSeconds',
    env: 'OIDCFLOW_HTTP_TIMEOUT_SECONDS',
    placeholder: 'SECONDS',
    defaultText: '30',
    description: 'seconds each IdP request may take',
    commands: AUTH,
  },
  // --- how to log in ---
  {
    flag: 'force-login',
    kind: 'boolean',
    key: 'forceLogin',
    env: 'OIDCFLOW_FORCE_LOGIN',
    description: 'ignore cached tokens and log in again (login always does)',
    commands: ['token'],
    ignoredBy: ['login', 'git-credential', ...NOT_LOGIN],
  },
  {
    flag: 'no-browser',
    kind: 'boolean',
    key: 'openBrowser',
    inverted: true,
    env: 'OIDCFLOW_OPEN_BROWSER',
    description: 'do not open a browser; print the URL instead (OIDCFLOW_OPEN_BROWSER=false)',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'redirect-uri',
    kind: 'string',
    key: 'redirectUri',
    env: 'OIDCFLOW_REDIRECT_URI',
    placeholder: 'URL',
    defaultText: 'http://127.0.0.1:<callback-port>/callback',
    description: 'redirect URI registered with the IdP',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-host',
    kind: 'string',
    key: 'callbackHost',
    env: 'OIDCFLOW_CALLBACK_HOST',
    placeholder: 'HOST',
    defaultText: '127.0.0.1',
    description: 'interface of the loopback listener',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-port',
    kind: 'integer',
    key: 'callbackPort',
    env: 'OIDCFLOW_CALLBACK_PORT',
    placeholder: 'PORT',
    defaultText: '8765',
    description: 'port of the loopback listener (0: chosen by the OS)',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-timeout-seconds',
    kind: 'integer',
    key: 'callbackTimeoutSeconds',
    env: 'OIDCFLOW_CALLBACK_TIMEOUT_SECONDS',
    placeholder: 'SECONDS',
    defaultText: '300',
    description: 'how long to wait for the browser to come back',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'no-pkce',
    kind: 'boolean',
    key: 'pkce',
    inverted: true,
    env: 'OIDCFLOW_PKCE',
    description: 'leave PKCE out, for IdPs that reject it (OIDCFLOW_PKCE=false)',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  // --- what the login request says (OIDC Core 3.1.2.1) ---
  {
    flag: 'login-hint',
    kind: 'string',
    key: 'loginHint',
    env: 'OIDCFLOW_LOGIN_HINT',
    placeholder: 'USER',
    description: 'who should log in (login_hint): the IdP pre-fills its login page',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'prompt',
    kind: 'string',
    key: 'prompt',
    env: 'OIDCFLOW_PROMPT',
    placeholder: 'PROMPT',
    description: 'login, consent, select_account or none (space-separated for several)',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'acr-values',
    kind: 'list',
    key: 'acrValues',
    env: 'OIDCFLOW_ACR_VALUES',
    placeholder: 'ACR',
    description: "authentication level(s) to ask for; the ID token's acr must be one of them",
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'max-age',
    kind: 'integer',
    key: 'maxAge',
    env: 'OIDCFLOW_MAX_AGE',
    placeholder: 'SECONDS',
    description: 'authenticate again when the last authentication is older (0: always); checked in auth_time',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'ui-locales',
    kind: 'list',
    key: 'uiLocales',
    env: 'OIDCFLOW_UI_LOCALES',
    placeholder: 'LANG',
    description: "languages for the IdP's pages, most preferred first",
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'auth-param',
    kind: 'pairs',
    key: 'authParams',
    placeholder: 'KEY=VALUE',
    description:
      'another authorization request parameter (repeatable); state, redirect_uri, PKCE and client_id are refused',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  // --- per command ---
  {
    flag: 'output',
    short: 'o',
    kind: 'string',
    key: 'output',
    placeholder: 'FORMAT',
    choices: ['token', 'json', 'header', 'exec-credential'],
    defaultText: 'token',
    description:
      'what to print: the access token alone, json (with expiry and scope), an Authorization header, or a kubectl ExecCredential',
    commands: ['token'],
  },
  {
    ...TOKEN_TYPE,
    defaultText: 'access; id for --output exec-credential of a user login',
    description:
      'which token to print (and whose expiry decides whether the cached one is used): the access token or the ID token',
    commands: ['token'],
  },
  {
    ...TOKEN_TYPE,
    defaultText: 'access',
    description: 'which token git gets as the password: the access token or the ID token',
    commands: ['git-credential'],
  },
  {
    flag: 'host',
    kind: 'list',
    key: 'gitHosts',
    env: 'OIDCFLOW_GIT_HOSTS',
    placeholder: 'HOST',
    defaultText: 'none: no host gets a token',
    description:
      'git host (host, or host:port as git sends it) that gets the token; repeat or separate with commas; git asking about any other host gets no answer',
    commands: ['git-credential'],
  },
  {
    flag: 'username',
    kind: 'string',
    key: 'username',
    env: 'OIDCFLOW_GIT_USERNAME',
    placeholder: 'NAME',
    defaultText: 'oauth2',
    description: 'the username git sends beside the token',
    commands: ['git-credential'],
  },
  {
    flag: 'include-refresh-token',
    kind: 'boolean',
    key: 'includeRefreshToken',
    description: 'with --output json, include the refresh token',
    commands: ['token'],
  },
  {
    flag: 'output',
    short: 'o',
    kind: 'string',
    key: 'output',
    placeholder: 'FORMAT',
    choices: ['text', 'json'],
    defaultText: 'text',
    description: 'text for people, json for programs',
    commands: ['status', 'explain', 'accounts', 'whoami'],
  },
  {
    flag: 'port',
    kind: 'integer',
    key: 'port',
    env: 'OIDCFLOW_DEV_IDP_PORT',
    placeholder: 'PORT',
    defaultText: '9400',
    description: 'port of the test IdP on 127.0.0.1 (0: chosen by the OS)',
    commands: ['dev-idp'],
  },
  // --- everywhere ---
  {
    flag: 'help',
    short: 'h',
    kind: 'boolean',
    key: 'help',
    description: 'show help for the command',
    commands: COMMAND_NAMES,
  },
];

/** The options a command's help lists, in table order. */
export function optionsFor(command: CommandName): OptionSpec[] {
  return OPTION_TABLE.filter((option) => option.commands.includes(command));
}

/** The options a command accepts: those it lists, and those it ignores. */
export function acceptedOptionsFor(command: CommandName): OptionSpec[] {
  return OPTION_TABLE.filter(
    (option) => option.commands.includes(command) || option.ignoredBy?.includes(command),
  );
}

/** Variables read without a flag: a secret must not be in argv, the rest are conventions. */
export const ENVIRONMENT_ONLY: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: 'OIDCFLOW_CLIENT_SECRET',
    description:
      'client secret (client credentials, or a confidential auth_code client); there is deliberately no --client-secret flag',
  },
  { name: 'OIDCFLOW_DEBUG', description: 'any value: debug lines, and the causes of an error, on stderr' },
  {
    name: 'BROWSER',
    description: 'the command that opens the login page (colon-separated list; %s is the URL)',
  },
  { name: 'NO_COLOR', description: 'any value: no colour and no progress line, even on a terminal' },
  { name: 'HTTPS_PROXY, NO_PROXY', description: 'proxy for IdP requests, and hosts that bypass it' },
];
