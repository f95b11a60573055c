import type { OptionSpec } from './option-table.js';

/** What `--help`, the README's option table and the shell completion say about an option. */
export interface OptionHelp {
  /** Name of the value in help text. */
  placeholder?: string;
  /** Shown in help as "(default: …)"; the default itself is core's (the reference API's). */
  defaultText?: string;
  description: string;
}

/**
 * The words of each option of OPTION_TABLE, keyed by its flag. A flag two options share
 * (`--output`, `--token-type`, worded for each command) is keyed by the flag and the option's
 * first command. Kept out of the table so the warm `oidcflow token` (the bin entry) does not
 * compile them.
 */
export const OPTION_HELP: Readonly<Record<string, OptionHelp>> = {
  profile: {
    placeholder: 'NAME',
    defaultText: 'the default-profile of the configuration file',
    description:
      'the named settings to use from the configuration file (oidcflow profile list); flags and variables win over it',
  },
  issuer: {
    placeholder: 'URL',
    description: 'OIDC issuer URL',
  },
  'client-id': {
    placeholder: 'ID',
    description: 'OAuth client id registered with the IdP',
  },
  scope: {
    placeholder: 'SCOPE',
    defaultText: 'the server\'s, else "openid" (none for client credentials)',
    description: 'scope to request; repeat the flag or separate with commas or spaces',
  },
  audience: {
    placeholder: 'AUDIENCE',
    description: 'audience for the token request (Auth0 and others require one)',
  },
  'use-server-audience': {
    description: 'without --audience, use the audience the server advertises (with --resource-url)',
  },
  'resource-url': {
    placeholder: 'URL',
    description: 'protected resource whose RFC 9728 metadata supplies issuer, scopes and audience',
  },
  flow: {
    placeholder: 'FLOW',
    defaultText: 'auto',
    description: 'auto, auth_code, device, client_credentials, or a plugin flow',
  },
  'client-credentials': {
    description: 'same as --flow client_credentials (a client secret is needed)',
  },
  account: {
    placeholder: 'NAME',
    defaultText: 'the current account (oidcflow accounts use NAME)',
    description:
      'which logged-in user to use: user name, e-mail or sub; one not logged in yet is logged in with it as login_hint',
  },
  'client-secret-file': {
    placeholder: 'PATH',
    description: 'read the client secret from this file (OIDCFLOW_CLIENT_SECRET works too)',
  },
  'client-secret-stdin': {
    description: 'read the client secret from standard input',
  },
  'private-key-path': {
    placeholder: 'PATH',
    description:
      'private key (PKCS#8 PEM or JWK) for private_key_jwt client authentication, instead of a secret',
  },
  'private-key-id': {
    placeholder: 'KID',
    description: 'kid put in client assertions signed with --private-key-path',
  },
  'identity-source': {
    placeholder: 'SOURCE',
    description:
      "the platform's token instead of a secret (workload identity): auto, github, gitlab[:VARIABLE], kubernetes[:PATH], azure, aws, spiffe:PATH, file:PATH, env:NAME, command:COMMAND",
  },
  'identity-use': {
    placeholder: 'WAY',
    defaultText: 'auto: from the IdP metadata',
    description:
      'how the platform token is spent: client_assertion (client authentication, RFC 7523), jwt_bearer (RFC 7523 grant), token_exchange (RFC 8693)',
  },
  'identity-audience': {
    placeholder: 'AUDIENCE',
    defaultText: 'the issuer',
    description:
      "the audience the platform token is asked for (GitHub Actions): what the IdP's trust expects",
  },
  'subject-token-type': {
    placeholder: 'URN',
    defaultText: 'urn:ietf:params:oauth:token-type:jwt',
    description: 'token exchange: the subject_token_type of the token from --identity-source',
  },
  'requested-token-type': {
    placeholder: 'URN',
    description: "token exchange: the requested_token_type (default: the IdP's, an access token)",
  },
  resource: {
    placeholder: 'URI',
    description: 'token exchange: the resource (API URI) the token is for; repeat for several',
  },
  'ca-cert-path': {
    placeholder: 'PATH',
    description: 'PEM bundle trusted for IdP HTTPS calls, in addition to the system roots',
  },
  'cache-path': {
    placeholder: 'DIR',
    defaultText: 'per OS, e.g. ~/.cache/oidcflow',
    description: 'where tokens are cached',
  },
  cache: {
    placeholder: 'STORE',
    defaultText: 'auto',
    description:
      'where tokens are kept: keyring (encrypted, key in the OS keyring), file (clear, 0600), auto (keyring if one answers)',
  },
  'cache-fallback': {
    placeholder: 'WHAT',
    defaultText: 'file; error with --cache keyring',
    description: 'where no OS keyring answers: clear files (said once per cache directory), or fail',
  },
  'token-endpoint': {
    placeholder: 'URL',
    description: 'token endpoint, instead of the discovered one',
  },
  'device-authorization-endpoint': {
    placeholder: 'URL',
    description: 'device authorization endpoint, instead of the discovered one',
  },
  'authorization-endpoint': {
    placeholder: 'URL',
    description: 'authorization endpoint, instead of the discovered one',
  },
  'allow-insecure-http': {
    description: 'accept http: URLs on hosts other than loopback (never in production)',
  },
  dpop: {
    description: 'bind tokens to a key kept in the cache (DPoP, RFC 9449); the token type becomes DPoP',
  },
  method: {
    placeholder: 'METHOD',
    defaultText: 'GET, or POST with --data-stdin',
    description: 'HTTP method of the request',
  },
  'content-type': {
    placeholder: 'TYPE',
    description: 'Content-Type of the request body',
  },
  'data-stdin': {
    description: 'send stdin as the request body',
  },
  'fetch-timeout-seconds': {
    placeholder: 'SECONDS',
    defaultText: 'the --http-timeout-seconds',
    description: 'seconds the request may take, to the last byte of the answer (exit 6 after)',
  },
  'allowed-origin': {
    placeholder: 'ORIGIN',
    defaultText: "the URL's origin",
    description:
      'origin the token may go to (repeat, or separate with commas); another URL or redirect gets no token',
  },
  'step-up': {
    placeholder: 'WHEN',
    defaultText: 'auto',
    description:
      "an API's RFC 9470 step-up challenge (401 insufficient_user_authentication): log in once with the acr_values/max_age it asks for and retry — auto at a terminal, login always, error never (exit 3)",
  },
  'http-timeout-seconds': {
    placeholder: 'SECONDS',
    defaultText: '30',
    description: 'seconds each IdP request may take',
  },
  'force-login': {
    description: 'ignore cached tokens and log in again (login always does)',
  },
  'no-browser': {
    description: 'do not open a browser; print the URL instead (OIDCFLOW_OPEN_BROWSER=false)',
  },
  'redirect-uri': {
    placeholder: 'URL',
    defaultText: 'http://127.0.0.1:<callback-port>/callback',
    description: 'redirect URI registered with the IdP',
  },
  'callback-host': {
    placeholder: 'HOST',
    defaultText: '127.0.0.1',
    description: 'interface of the loopback listener',
  },
  'callback-port': {
    placeholder: 'PORT',
    defaultText: '8765',
    description: 'port of the loopback listener (0: chosen by the OS)',
  },
  'callback-timeout-seconds': {
    placeholder: 'SECONDS',
    defaultText: '300',
    description: 'how long to wait for the browser to come back',
  },
  'no-pkce': {
    description: 'leave PKCE out, for IdPs that reject it (OIDCFLOW_PKCE=false)',
  },
  'login-hint': {
    placeholder: 'USER',
    description: 'who should log in (login_hint): the IdP pre-fills its login page',
  },
  prompt: {
    placeholder: 'PROMPT',
    description: 'login, consent, select_account or none (space-separated for several)',
  },
  'acr-values': {
    placeholder: 'ACR',
    description: "authentication level(s) to ask for; the ID token's acr must be one of them",
  },
  'max-age': {
    placeholder: 'SECONDS',
    description: 'authenticate again when the last authentication is older (0: always); checked in auth_time',
  },
  'ui-locales': {
    placeholder: 'LANG',
    description: "languages for the IdP's pages, most preferred first",
  },
  'auth-param': {
    placeholder: 'KEY=VALUE',
    description:
      'another authorization request parameter (repeatable); state, redirect_uri, PKCE and client_id are refused',
  },
  'output token': {
    placeholder: 'FORMAT',
    defaultText: 'token',
    description:
      'what to print: the access token alone, json (with expiry and scope), an Authorization header, or a kubectl ExecCredential',
  },
  'token-type token': {
    placeholder: 'TYPE',
    defaultText: 'access; id for --output exec-credential of a user login',
    description:
      'which token to print (and whose expiry decides whether the cached one is used): the access token or the ID token',
  },
  'token-type git-credential': {
    placeholder: 'TYPE',
    defaultText: 'access',
    description: 'which token git gets as the password: the access token or the ID token',
  },
  host: {
    placeholder: 'HOST',
    defaultText: 'none: no host gets a token',
    description:
      'git host (host, or host:port as git sends it) that gets the token; repeat or separate with commas; git asking about any other host gets no answer',
  },
  username: {
    placeholder: 'NAME',
    defaultText: 'oauth2',
    description: 'the username git sends beside the token',
  },
  'include-refresh-token': {
    description: 'with --output json, include the refresh token',
  },
  'output status': {
    placeholder: 'FORMAT',
    defaultText: 'text',
    description: 'text for people, json for programs',
  },
  port: {
    placeholder: 'PORT',
    defaultText: '9400',
    description: 'port of the test IdP on 127.0.0.1 (0: chosen by the OS)',
  },
  help: {
    description: 'show help for the command',
  },
};

/** The key of an option's words in OPTION_HELP. */
export function helpKey(option: OptionSpec): string {
  const own = `${option.flag} ${option.commands[0]}`;
  return own in OPTION_HELP ? own : option.flag;
}

/** An option's words. */
export function helpOf(option: OptionSpec): OptionHelp {
  const help = OPTION_HELP[helpKey(option)];
  if (!help) throw new Error(`option-help.ts has no words for --${option.flag}`);
  return help;
}
