import type { FlowPorts } from '../ports/flow-ports.js';
import type { Logger } from '../ports/logger.js';
import type { IdentitySourcePlugin } from '../spec/identity-source.js';
import type { Plugin } from '../spec/plugin.js';
import type { LoginRequestOptions } from './login-request.js';
import type { ServerSource } from './server-source.js';

/** Options shared by `OidcAuth` and `OidcCredentialsAuth` (the spec's common attributes). */
export interface CommonAuthOptions {
  /** OIDC issuer URL. Empty: taken from `server`. */
  issuer?: string;
  /** OAuth client id registered with the IdP. Empty: taken from `server`. */
  clientId?: string;
  /** Scopes to request. Absent: those the server source advertises, else `['openid']` (none for client credentials). */
  scopes?: readonly string[];
  /** Audience for the token request (Auth0 and others require one). */
  audience?: string;
  /** When true and `audience` is absent, use the audience the server source gives. @default false */
  useServerAudience?: boolean;
  /** PEM bundle trusted for IdP HTTPS calls, in addition to the system roots. `~` is expanded. */
  caCertPath?: string;
  /** Where the cache plugin keeps tokens (a directory for @oidcflow/cache-file). `~` is expanded. */
  cachePath?: string;
  /**
   * Which cache keeps the tokens: `auto` prefers @oidcflow/cache-keyring (encrypted, key in the
   * OS keyring) when installed, then @oidcflow/cache-file, then memory; `keyring` or `file`
   * asks for one by name. Absent: `OIDCFLOW_CACHE`, else `auto`.
   */
  cache?: 'auto' | 'keyring' | 'file';
  /**
   * Where the keyring cache finds no OS keyring (SSH without D-Bus, CI, containers): `file`
   * keeps tokens in clear in 0600 files, `error` fails with CACHE_KEYRING_UNAVAILABLE.
   * Absent: `OIDCFLOW_CACHE_FALLBACK`, else `error` when `cache` is `keyring`, `file` under `auto`.
   */
  cacheFallback?: 'file' | 'error';
  /** Token endpoint, instead of the discovered one. */
  tokenEndpoint?: string;
  /** Device authorization endpoint, instead of the discovered one. */
  deviceAuthorizationEndpoint?: string;

  // --- beyond the reference API ---
  /**
   * A profile of the configuration file the `oidcflow` CLI uses (`oidcflow profile set …`):
   * `OIDCFLOW_CONFIG`, else `config.toml` in the platform's configuration folder, both found
   * through `env`. Its values fill what the options leave out: options > the variables core
   * reads (`OIDCFLOW_CACHE`, …) > the profile > the defaults; `explain()` says which came from
   * it. Used only when named here: neither `OIDCFLOW_PROFILE` nor the file's `default-profile`
   * changes what a program does. The file is read on the first call (a bad file or an unknown
   * name fails it with `PROFILE_INVALID` / `PROFILE_UNKNOWN`); the attributes show the options
   * as given.
   */
  profile?: string;
  /**
   * Private key (PKCS#8 PEM or JWK file, `~` expanded) for `private_key_jwt` client
   * authentication, instead of a client secret. Absent: `OIDCFLOW_PRIVATE_KEY_PATH`.
   */
  privateKeyPath?: string;
  /** `kid` put in client assertions signed with `privateKeyPath` (a JWK's own `kid` otherwise). */
  privateKeyId?: string;

  /** Where issuer, client id, scopes and audience come from when not given: see `ServerSource`. */
  server?: ServerSource;
  /** Plugins registered explicitly; first-party packages that are installed load by themselves. */
  plugins?: readonly Plugin[];
  /** Accept `http:` issuers and endpoints on non-loopback hosts. Never do this in production. @default false */
  allowInsecureHttp?: boolean;
  /** Seconds each IdP HTTP request may take, from connecting to the last byte of the answer. @default 30 */
  httpTimeoutSeconds?: number;
  /**
   * Seconds one `auth.fetch` request may take, from sending it to the last byte of the answer
   * (its redirects and the reading of its body included); then it fails with `FETCH_TIMEOUT`.
   * @default httpTimeoutSeconds
   */
  fetchTimeoutSeconds?: number;
  /**
   * Largest IdP response read, in bytes (metadata, keys, tokens are a few KB); a larger one
   * fails with IDP_RESPONSE_TOO_LARGE before it fills the memory. @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number;
  /** Seconds discovery metadata stays fresh in the cache. @default 86400 */
  metadataTtlSeconds?: number;
  /** Replace the outside world of flows (browser opener, prompt output, clock). */
  ports?: Partial<FlowPorts>;
  logger?: Logger;
  /** The environment to read (`OIDCFLOW_CLIENT_SECRET`, `CI`, `DISPLAY`, proxies). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Stops a running login or request. */
  signal?: AbortSignal;
  /**
   * Bind tokens to a key (DPoP, RFC 9449): an ES256 key pair is made at login and kept with
   * the cache entry; token requests, refreshes and `auth.fetch` send proofs made with it.
   * @default false
   */
  dpop?: boolean;
  /**
   * Origins `auth.fetch` may send the token to (e.g. `['https://api.example.com']`). Absent:
   * the first origin `auth.fetch` is used with, for the life of the instance. A redirect to
   * any other origin is followed without the token.
   */
  allowedOrigins?: readonly string[];
  /** Resolves a package name to a module; tests replace it to simulate which packages are installed. */
  loadModule?: (specifier: string) => Promise<unknown>;
}

/** What `auth.fetch` does when an API asks for a stronger login: see `OidcAuthOptions.stepUp`. */
export type StepUpMode = 'auto' | 'login' | 'error';

/**
 * Options of `OidcAuth`: interactive login (the spec's `OidcAuth`), with what the login request
 * says (`loginHint`, `prompt`, `acrValues`, `maxAge`, `uiLocales`, `authParams`).
 */
export interface OidcAuthOptions extends CommonAuthOptions, LoginRequestOptions {
  /** `auto`, `auth_code`, `device`, or a third-party flow's name. @default 'auto' */
  flow?: string;
  /**
   * Which of the accounts logged in with these settings to use: its user name
   * (`preferred_username`), e-mail address or `sub`. Absent: the current one. An account not
   * logged in yet is logged in with the name as `login_hint`, and the IdP must return that user
   * (`ACCOUNT_MISMATCH` otherwise). `login()` makes it the current account; other calls do not.
   */
  account?: string;
  /** Ignore any cached token and always log in. @default false */
  forceLogin?: boolean;
  /**
   * Whether `auth.fetch` logs in by itself when an API asks for a stronger login (RFC 9470
   * `insufficient_user_authentication`): `auto` only where someone can take part (stderr is a
   * terminal); `login` always — for a program that shows the login itself (`ports.openUrl`, a
   * browser on the user's desktop); `error` never. A call that does not log in fails with
   * `STEP_UP_REQUIRED`, naming what the API asked for. @default 'auto'
   */
  stepUp?: StepUpMode;
  /** Open the browser for the login or verification URL. @default true */
  openBrowser?: boolean;
  /** Authorization endpoint, instead of the discovered one. */
  authorizationEndpoint?: string;
  /** Redirect URI registered with the IdP. Absent: `http://{callbackHost}:{callbackPort}/callback`. */
  redirectUri?: string;
  /** Interface of the loopback listener. @default '127.0.0.1' */
  callbackHost?: string;
  /** Port of the loopback listener; 0 lets the OS choose. @default 8765 */
  callbackPort?: number;
  /** Seconds to wait for the browser redirect. @default 300 */
  callbackTimeoutSeconds?: number;
  /** Use PKCE in the authorization code flow. @default true */
  pkce?: boolean;
  /** Client secret for the code exchange (OpenShift needs one even for CLI clients). */
  clientSecret?: string;
  /** Allow a `callbackHost` that is not a loopback address. @default false */
  allowNonLoopbackCallback?: boolean;
}

/** Options of `OidcCredentialsAuth`: the client credentials grant (the spec's `OidcCredentialsAuth`). */
export interface OidcCredentialsAuthOptions extends CommonAuthOptions {
  /** Client secret. Absent: the `OIDCFLOW_CLIENT_SECRET` environment variable. */
  clientSecret?: string;
  /**
   * `client_credentials`, `jwt_bearer`, `token_exchange`, `auto` (with an identity source), or
   * a third party's client flow (family `client`).
   * @default 'client_credentials'; 'auto' when an identity source is set
   */
  flow?: string;

  // --- workload identity federation: the platform's own token instead of a stored secret ---
  /**
   * Where the workload's platform token comes from: `auto` (the first present of github,
   * gitlab, azure, aws, kubernetes), `github` (GitHub Actions' token request), `gitlab[:VARIABLE]`
   * (an `id_tokens:` variable, default `OIDCFLOW_ID_TOKEN`), `kubernetes[:PATH]` (service account
   * token file), `azure` (`AZURE_FEDERATED_TOKEN_FILE`), `aws` (`AWS_WEB_IDENTITY_TOKEN_FILE`),
   * `spiffe:PATH` (a JWT-SVID file), `file:PATH`, `env:NAME`, `command:COMMAND` (its stdout), the
   * name of an identity-source plugin, or such a plugin itself. The token is read fresh for every
   * grant, checked (a JWT, not expired), and never cached, logged or printed.
   * Absent: `OIDCFLOW_IDENTITY_SOURCE`; else no workload identity.
   */
  identitySource?: string | IdentitySourcePlugin;
  /**
   * The audience the platform token is asked for (GitHub Actions asks with it; other sources
   * carry the audience their platform configured): what the IdP's trust expects, e.g.
   * `api://AzureADTokenExchange` for Entra ID. Absent: `OIDCFLOW_IDENTITY_AUDIENCE`, else the issuer.
   */
  identityAudience?: string;
  /**
   * How the platform token is spent: `client_assertion` (client authentication, RFC 7523 §2.2,
   * in the client credentials grant), `jwt_bearer` (the RFC 7523 §2.1 grant), `token_exchange`
   * (RFC 8693, as `subject_token`), or `auto` (from the IdP's metadata; `explain()` says why).
   * Absent: `OIDCFLOW_IDENTITY_USE`, else the one `flow` names, else `auto`.
   */
  identityUse?: 'auto' | 'client_assertion' | 'jwt_bearer' | 'token_exchange';
  /** RFC 8693 parameters of `token_exchange` beyond `audience` and `scopes` (which are the common options). */
  tokenExchange?: {
    /** `subject_token_type`. @default 'urn:ietf:params:oauth:token-type:jwt' */
    subjectTokenType?: string;
    /** `requested_token_type`; absent: the IdP's default (an access token). */
    requestedTokenType?: string;
    /** `resource`: the URI(s) of the API the token is for. */
    resource?: string | readonly string[];
  };
}

/**
 * The defaults the reference API gives, applied in one place (config/settings.ts); the
 * README's option table is checked against them (test/readme-defaults.test.ts).
 */
export const DEFAULTS = {
  flow: 'auto',
  /** `OidcCredentialsAuth`'s flow. */
  clientFlow: 'client_credentials',
  forceLogin: false,
  openBrowser: true,
  callbackHost: '127.0.0.1',
  callbackPort: 8765,
  callbackTimeoutSeconds: 300,
  pkce: true,
  allowNonLoopbackCallback: false,
  useServerAudience: false,
  allowInsecureHttp: false,
  dpop: false,
  stepUp: 'auto',
  httpTimeoutSeconds: 30,
  metadataTtlSeconds: 86_400,
} as const;
