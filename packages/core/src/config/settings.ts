import type { EndpointOverrides } from '../discovery/discover.js';
import { type FlowPorts, openSystemBrowser, systemClock } from '../ports/flow-ports.js';
import { createStderrLogger, type Logger } from '../ports/logger.js';
import type { CacheFactoryOptions, FlowFamily } from '../spec/cache.js';
import type { LoginSettings } from '../spec/flow.js';
import type { Plugin } from '../spec/plugin.js';
import { homeDirectory } from './home.js';
import type { LoginRequestOptions } from './login-request.js';
import {
  DEFAULTS,
  type OidcAuthOptions,
  type OidcCredentialsAuthOptions,
  type StepUpMode,
} from './options.js';
import type { ServerSource } from './server-source.js';
import type { ProfileReport } from './with-profile.js';
import { FLOW_OF_USE, resolveWorkloadSettings, type WorkloadSettings } from './workload-settings.js';

/**
 * One instance's options with every default applied and every environment lookup done: made
 * once, when `OidcAuth` / `OidcCredentialsAuth` is constructed, and the only thing the
 * lifecycle reads afterwards (never the raw options). What needs the network (the identity a
 * server source supplies, the cache plugin) is resolved from it by `AuthRuntime.create`.
 */
export interface Settings {
  readonly family: FlowFamily;
  /** `flow`, else `auto` (OidcAuth) or `client_credentials` (OidcCredentialsAuth). */
  readonly requestedFlow: string;

  // --- who: the inputs of the identity (config/resolve-identity.ts) ---
  readonly issuer: string | undefined;
  readonly clientId: string | undefined;
  readonly scopes: readonly string[] | undefined;
  readonly audience: string | undefined;
  readonly useServerAudience: boolean;
  readonly server: ServerSource | undefined;

  // --- how the client authenticates ---
  /** The option; for OidcCredentialsAuth, else OIDCFLOW_CLIENT_SECRET. Empty counts as absent. */
  readonly clientSecret: string | undefined;
  /** The option; for OidcCredentialsAuth, else OIDCFLOW_PRIVATE_KEY_PATH. */
  readonly privateKeyPath: string | undefined;
  readonly privateKeyId: string | undefined;
  /** `OidcCredentialsAuth`'s workload identity (`identitySource`): the platform's token instead of a secret. */
  readonly workload: WorkloadSettings | undefined;

  // --- the IdP and how to reach it ---
  readonly endpoints: Readonly<EndpointOverrides>;
  readonly allowInsecureHttp: boolean;
  readonly http: {
    readonly caCertPath: string | undefined;
    readonly timeoutSeconds: number;
    readonly maxResponseBytes: number | undefined;
  };
  /** How long discovery metadata cached with the tokens stays fresh, in milliseconds. */
  readonly metadataTtlMs: number;
  readonly dpop: boolean;
  readonly allowedOrigins: readonly string[] | undefined;
  /** Seconds one `auth.fetch` request may take: the option, else `http.timeoutSeconds`. */
  readonly fetchTimeoutSeconds: number;

  // --- a login ---
  readonly login: Readonly<LoginSettings>;
  /** What the login request says (loginHint, prompt, acrValues, maxAge, uiLocales, authParams). */
  readonly loginRequest: Readonly<LoginRequestOptions>;
  /** Which logged-in user to use (OidcAuth's `account`); undefined: the current one. */
  readonly account: string | undefined;
  /** Whether `auth.fetch` logs in by itself for an API's step-up challenge (OidcAuth's `stepUp`). */
  readonly stepUp: StepUpMode;

  /** The profile the options were filled from (the `profile` option), for `explain()`. */
  readonly profile?: ProfileReport;

  // --- the cache: what its factory is given (core adds `warn`) ---
  readonly cache: Readonly<Omit<CacheFactoryOptions, 'warn'>>;

  // --- the outside world ---
  /** The `env` option, else process.env: every variable core reads, `~` and the cache's default folder. */
  readonly env: NodeJS.ProcessEnv;
  /** The home directory of `env`: what `~` means in `caCertPath`, `cachePath`, `privateKeyPath`. */
  readonly home: string;
  readonly logger: Logger;
  readonly ports: FlowPorts;
  readonly signal: AbortSignal | undefined;
  readonly plugins: readonly Plugin[];
  readonly loadModule: OidcAuthOptions['loadModule'];
}

/** The cache the options ask for, else OIDCFLOW_CACHE and OIDCFLOW_CACHE_FALLBACK. */
function cacheSettings(options: OidcAuthOptions, env: NodeJS.ProcessEnv): Settings['cache'] {
  const request = options.cache ?? (env.OIDCFLOW_CACHE || undefined);
  const fallback = options.cacheFallback ?? (env.OIDCFLOW_CACHE_FALLBACK || undefined);
  return {
    env,
    ...(options.cachePath ? { cachePath: options.cachePath } : {}),
    ...(request ? { cacheRequest: request as NonNullable<CacheFactoryOptions['cacheRequest']> } : {}),
    ...(fallback ? { cacheFallback: fallback as NonNullable<CacheFactoryOptions['cacheFallback']> } : {}),
  };
}

function loginSettings(options: OidcAuthOptions): LoginSettings {
  return {
    forceLogin: options.forceLogin ?? DEFAULTS.forceLogin,
    openBrowser: options.openBrowser ?? DEFAULTS.openBrowser,
    callbackHost: options.callbackHost ?? DEFAULTS.callbackHost,
    callbackPort: options.callbackPort ?? DEFAULTS.callbackPort,
    callbackTimeoutSeconds: options.callbackTimeoutSeconds ?? DEFAULTS.callbackTimeoutSeconds,
    pkce: options.pkce ?? DEFAULTS.pkce,
    allowNonLoopbackCallback: options.allowNonLoopbackCallback ?? DEFAULTS.allowNonLoopbackCallback,
    ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
  };
}

function flowPorts(options: OidcAuthOptions, env: NodeJS.ProcessEnv): FlowPorts {
  const givenOutput = options.ports?.output;
  return {
    openUrl: options.ports?.openUrl ?? ((url) => openSystemBrowser(url, env)),
    // process.stderr is built on first access (for a pipe, that loads node:net): a cache hit
    // never prompts, so it never pays for it.
    get output() {
      return givenOutput ?? process.stderr;
    },
    clock: options.ports?.clock ?? systemClock,
  };
}

/**
 * The settings of `options` for a class of `family`: defaults from `DEFAULTS` (the one table
 * the README's option table is checked against), environment lookups from `env`. Makes no
 * request and loads nothing: a cache hit pays for a few object literals.
 */
export function resolveSettings(options: OidcAuthOptions, family: FlowFamily): Settings {
  const env = options.env ?? process.env;
  const client = family === 'client';
  const { tokenEndpoint, authorizationEndpoint, deviceAuthorizationEndpoint } = options;
  const { loginHint, prompt, acrValues, maxAge, uiLocales, authParams } = options;
  const httpTimeoutSeconds = options.httpTimeoutSeconds ?? DEFAULTS.httpTimeoutSeconds;
  const workload = client ? resolveWorkloadSettings(options as OidcCredentialsAuthOptions, env) : undefined;
  return {
    family,
    // With an identity source, the flow of the way it is spent; `auto` decides from the metadata.
    requestedFlow:
      options.flow ?? (workload ? FLOW_OF_USE[workload.use] : client ? DEFAULTS.clientFlow : DEFAULTS.flow),
    issuer: options.issuer || undefined,
    clientId: options.clientId || undefined,
    scopes: options.scopes,
    audience: options.audience,
    useServerAudience: options.useServerAudience ?? DEFAULTS.useServerAudience,
    server: options.server,
    clientSecret: options.clientSecret || (client ? env.OIDCFLOW_CLIENT_SECRET : undefined) || undefined,
    privateKeyPath:
      options.privateKeyPath || (client ? env.OIDCFLOW_PRIVATE_KEY_PATH : undefined) || undefined,
    privateKeyId: options.privateKeyId || undefined,
    workload,
    endpoints: {
      ...(tokenEndpoint ? { tokenEndpoint } : {}),
      ...(authorizationEndpoint ? { authorizationEndpoint } : {}),
      ...(deviceAuthorizationEndpoint ? { deviceAuthorizationEndpoint } : {}),
    },
    allowInsecureHttp: options.allowInsecureHttp ?? DEFAULTS.allowInsecureHttp,
    http: {
      caCertPath: options.caCertPath || undefined,
      timeoutSeconds: httpTimeoutSeconds,
      maxResponseBytes: options.maxResponseBytes || undefined,
    },
    metadataTtlMs: (options.metadataTtlSeconds ?? DEFAULTS.metadataTtlSeconds) * 1000,
    dpop: options.dpop ?? DEFAULTS.dpop,
    allowedOrigins: options.allowedOrigins,
    fetchTimeoutSeconds: options.fetchTimeoutSeconds ?? httpTimeoutSeconds,
    login: loginSettings(options),
    loginRequest: {
      ...(loginHint ? { loginHint } : {}),
      ...(prompt ? { prompt } : {}),
      ...(acrValues ? { acrValues } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      ...(uiLocales ? { uiLocales } : {}),
      ...(authParams ? { authParams } : {}),
    },
    account: client ? undefined : options.account,
    stepUp: options.stepUp ?? DEFAULTS.stepUp,
    cache: cacheSettings(options, env),
    env,
    home: homeDirectory(env),
    logger: options.logger ?? createStderrLogger(env),
    ports: flowPorts(options, env),
    signal: options.signal,
    plugins: options.plugins ?? [],
    loadModule: options.loadModule,
  };
}
