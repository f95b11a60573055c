/**
 * Every option of `oidcflow`, as data. The argument parser's configuration, the environment
 * variable lookup, `--help` and the README's option table are all generated from this one
 * list, so a flag cannot exist in one and be missing from another.
 *
 * What help says about each option (description, placeholder, default) is in option-help.ts,
 * keyed by flag: `oidcflow token`'s warm path parses with this table in the bin entry, and the
 * help words would make that file a third bigger (≈ 7 KB that every new process compiles;
 * ≈ 0.15–0.2 ms CPU per warm `oidcflow token`, Node 20 and 24). A test checks that each option
 * has its words and each entry of words an option.
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
  /** Allowed values; anything else is a usage error. */
  choices?: readonly string[];
  /** The commands whose help lists the option (its words: option-help.ts). */
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
  choices: ['access', 'id'],
} as const satisfies Partial<OptionSpec>;

export const OPTION_TABLE: readonly OptionSpec[] = [
  {
    flag: 'profile',
    kind: 'string',
    key: 'profile',
    env: 'OIDCFLOW_PROFILE',
    commands: [...AUTH, 'profile'],
  },
  // --- who to log in to, and as what (the cache key) ---
  {
    flag: 'issuer',
    kind: 'string',
    key: 'issuer',
    env: 'OIDCFLOW_ISSUER',
    commands: AUTH,
  },
  {
    flag: 'client-id',
    kind: 'string',
    key: 'clientId',
    env: 'OIDCFLOW_CLIENT_ID',
    commands: AUTH,
  },
  {
    flag: 'scope',
    kind: 'list',
    key: 'scopes',
    env: 'OIDCFLOW_SCOPES',
    commands: AUTH,
  },
  {
    flag: 'audience',
    kind: 'string',
    key: 'audience',
    env: 'OIDCFLOW_AUDIENCE',
    commands: AUTH,
  },
  {
    flag: 'use-server-audience',
    kind: 'boolean',
    key: 'useServerAudience',
    env: 'OIDCFLOW_USE_SERVER_AUDIENCE',
    commands: AUTH,
  },
  {
    flag: 'resource-url',
    kind: 'string',
    key: 'resourceUrl',
    env: 'OIDCFLOW_RESOURCE_URL',
    commands: AUTH,
  },
  {
    flag: 'flow',
    kind: 'string',
    key: 'flow',
    env: 'OIDCFLOW_FLOW',
    commands: AUTH,
  },
  {
    flag: 'client-credentials',
    kind: 'boolean',
    key: 'clientCredentials',
    commands: AUTH,
  },
  {
    flag: 'account',
    kind: 'string',
    key: 'account',
    env: 'OIDCFLOW_ACCOUNT',
    commands: AUTH,
  },
  // --- the client secret: never from argv (see README "in CI with client credentials") ---
  {
    flag: 'client-secret-file',
    kind: 'string',
    key: 'clientSecretFile',
    env: 'OIDCFLOW_CLIENT_SECRET_FILE',
    commands: AUTH,
  },
  {
    flag: 'client-secret-stdin',
    kind: 'boolean',
    key: 'clientSecretStdin',
    commands: AUTH,
  },
  {
    flag: 'private-key-path',
    kind: 'string',
    key: 'privateKeyPath',
    env: 'OIDCFLOW_PRIVATE_KEY_PATH',
    commands: AUTH,
  },
  {
    flag: 'private-key-id',
    kind: 'string',
    key: 'privateKeyId',
    env: 'OIDCFLOW_PRIVATE_KEY_ID',
    commands: AUTH,
  },
  // --- workload identity: the platform's own token instead of a stored secret ---
  {
    flag: 'identity-source',
    kind: 'string',
    key: 'identitySource',
    env: 'OIDCFLOW_IDENTITY_SOURCE',
    commands: AUTH,
  },
  {
    flag: 'identity-use',
    kind: 'string',
    key: 'identityUse',
    env: 'OIDCFLOW_IDENTITY_USE',
    choices: ['auto', 'client_assertion', 'jwt_bearer', 'token_exchange'],
    commands: AUTH,
  },
  {
    flag: 'identity-audience',
    kind: 'string',
    key: 'identityAudience',
    env: 'OIDCFLOW_IDENTITY_AUDIENCE',
    commands: AUTH,
  },
  {
    flag: 'subject-token-type',
    kind: 'string',
    key: 'subjectTokenType',
    env: 'OIDCFLOW_SUBJECT_TOKEN_TYPE',
    commands: AUTH,
  },
  {
    flag: 'requested-token-type',
    kind: 'string',
    key: 'requestedTokenType',
    env: 'OIDCFLOW_REQUESTED_TOKEN_TYPE',
    commands: AUTH,
  },
  {
    flag: 'resource',
    kind: 'list',
    key: 'resources',
    env: 'OIDCFLOW_RESOURCE',
    commands: AUTH,
  },
  // --- where and how to reach the IdP ---
  {
    flag: 'ca-cert-path',
    kind: 'string',
    key: 'caCertPath',
    env: 'OIDCFLOW_CA_CERT_PATH',
    commands: AUTH,
  },
  {
    flag: 'cache-path',
    kind: 'string',
    key: 'cachePath',
    env: 'OIDCFLOW_CACHE_PATH',
    commands: AUTH,
  },
  {
    flag: 'cache',
    kind: 'string',
    key: 'cache',
    env: 'OIDCFLOW_CACHE',
    choices: ['auto', 'keyring', 'file'],
    commands: AUTH,
  },
  {
    flag: 'cache-fallback',
    kind: 'string',
    key: 'cacheFallback',
    env: 'OIDCFLOW_CACHE_FALLBACK',
    choices: ['file', 'error'],
    commands: AUTH,
  },
  {
    flag: 'token-endpoint',
    kind: 'string',
    key: 'tokenEndpoint',
    env: 'OIDCFLOW_TOKEN_ENDPOINT',
    commands: AUTH,
  },
  {
    flag: 'device-authorization-endpoint',
    kind: 'string',
    key: 'deviceAuthorizationEndpoint',
    env: 'OIDCFLOW_DEVICE_AUTHORIZATION_ENDPOINT',
    commands: AUTH,
  },
  {
    flag: 'authorization-endpoint',
    kind: 'string',
    key: 'authorizationEndpoint',
    env: 'OIDCFLOW_AUTHORIZATION_ENDPOINT',
    commands: AUTH,
  },
  {
    flag: 'allow-insecure-http',
    kind: 'boolean',
    key: 'allowInsecureHttp',
    env: 'OIDCFLOW_ALLOW_INSECURE_HTTP',
    commands: AUTH,
  },
  {
    flag: 'dpop',
    kind: 'boolean',
    key: 'dpop',
    env: 'OIDCFLOW_DPOP',
    commands: AUTH,
  },
  {
    flag: 'method',
    kind: 'string',
    key: 'method',
    commands: ['fetch'],
  },
  {
    flag: 'content-type',
    kind: 'string',
    key: 'contentType',
    commands: ['fetch'],
  },
  {
    flag: 'data-stdin',
    kind: 'boolean',
    key: 'dataStdin',
    commands: ['fetch'],
  },
  {
    flag: 'fetch-timeout-seconds',
    kind: 'integer',
    key: 'fetchTimeoutSeconds',
    env: 'OIDCFLOW_FETCH_TIMEOUT_SECONDS',
    commands: ['fetch'],
  },
  {
    flag: 'allowed-origin',
    kind: 'list',
    key: 'allowedOrigins',
    env: 'OIDCFLOW_ALLOWED_ORIGINS',
    commands: ['fetch'],
  },
  {
    flag: 'step-up',
    kind: 'string',
    key: 'stepUp',
    env: 'OIDCFLOW_STEP_UP',
    choices: ['auto', 'login', 'error'],
    commands: ['fetch'],
  },
  {
    flag: 'http-timeout-seconds',
    kind: 'integer',
    key: 'httpTimeoutSeconds',
    env: 'OIDCFLOW_HTTP_TIMEOUT_SECONDS',
    commands: AUTH,
  },
  // --- how to log in ---
  {
    flag: 'force-login',
    kind: 'boolean',
    key: 'forceLogin',
    env: 'OIDCFLOW_FORCE_LOGIN',
    commands: ['token'],
    ignoredBy: ['login', 'git-credential', ...NOT_LOGIN],
  },
  {
    flag: 'no-browser',
    kind: 'boolean',
    key: 'openBrowser',
    inverted: true,
    env: 'OIDCFLOW_OPEN_BROWSER',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'redirect-uri',
    kind: 'string',
    key: 'redirectUri',
    env: 'OIDCFLOW_REDIRECT_URI',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-host',
    kind: 'string',
    key: 'callbackHost',
    env: 'OIDCFLOW_CALLBACK_HOST',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-port',
    kind: 'integer',
    key: 'callbackPort',
    env: 'OIDCFLOW_CALLBACK_PORT',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'callback-timeout-seconds',
    kind: 'integer',
    key: 'callbackTimeoutSeconds',
    env: 'OIDCFLOW_CALLBACK_TIMEOUT_SECONDS',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'no-pkce',
    kind: 'boolean',
    key: 'pkce',
    inverted: true,
    env: 'OIDCFLOW_PKCE',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  // --- what the login request says (OIDC Core 3.1.2.1) ---
  {
    flag: 'login-hint',
    kind: 'string',
    key: 'loginHint',
    env: 'OIDCFLOW_LOGIN_HINT',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'prompt',
    kind: 'string',
    key: 'prompt',
    env: 'OIDCFLOW_PROMPT',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'acr-values',
    kind: 'list',
    key: 'acrValues',
    env: 'OIDCFLOW_ACR_VALUES',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'max-age',
    kind: 'integer',
    key: 'maxAge',
    env: 'OIDCFLOW_MAX_AGE',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'ui-locales',
    kind: 'list',
    key: 'uiLocales',
    env: 'OIDCFLOW_UI_LOCALES',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  {
    flag: 'auth-param',
    kind: 'pairs',
    key: 'authParams',
    commands: LOGIN,
    ignoredBy: NOT_LOGIN,
  },
  // --- per command ---
  {
    flag: 'output',
    short: 'o',
    kind: 'string',
    key: 'output',
    choices: ['token', 'json', 'header', 'exec-credential'],
    commands: ['token'],
  },
  {
    ...TOKEN_TYPE,
    commands: ['token'],
  },
  {
    ...TOKEN_TYPE,
    commands: ['git-credential'],
  },
  {
    flag: 'host',
    kind: 'list',
    key: 'gitHosts',
    env: 'OIDCFLOW_GIT_HOSTS',
    commands: ['git-credential'],
  },
  {
    flag: 'username',
    kind: 'string',
    key: 'username',
    env: 'OIDCFLOW_GIT_USERNAME',
    commands: ['git-credential'],
  },
  {
    flag: 'include-refresh-token',
    kind: 'boolean',
    key: 'includeRefreshToken',
    commands: ['token'],
  },
  {
    flag: 'output',
    short: 'o',
    kind: 'string',
    key: 'output',
    choices: ['text', 'json'],
    commands: ['status', 'explain', 'accounts', 'whoami'],
  },
  {
    flag: 'port',
    kind: 'integer',
    key: 'port',
    env: 'OIDCFLOW_DEV_IDP_PORT',
    commands: ['dev-idp'],
  },
  // --- everywhere ---
  {
    flag: 'help',
    short: 'h',
    kind: 'boolean',
    key: 'help',
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
