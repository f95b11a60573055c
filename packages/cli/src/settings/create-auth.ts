import {
  type CommonAuthOptions,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  type OidcCredentialsAuthOptions,
  type TokenSet,
} from '@oidcflow/core';
import type { CommandContext } from '../io.js';
import type { CliSettings } from '../options/option-table.js';
import { loadPluginModule } from '../plugin-modules.js';
import { readClientSecret } from './read-client-secret.js';

const CLIENT_CREDENTIALS = 'client_credentials';

/** One of core's two classes, behind the methods the commands use. */
export interface AuthHandle {
  family: 'user' | 'client';
  auth: OidcAuth | OidcCredentialsAuth;
}

/** Flows of `OidcCredentialsAuth` that spend a platform token (workload identity). */
const WORKLOAD_FLOWS = new Set(['jwt_bearer', 'token_exchange']);

/**
 * `--client-credentials`, `--flow client_credentials` (or a workload flow), or an identity
 * source: the grants of `OidcCredentialsAuth`, no user.
 */
export function wantsClientCredentials(settings: CliSettings): boolean {
  return (
    Boolean(settings.clientCredentials) ||
    settings.flow === CLIENT_CREDENTIALS ||
    WORKLOAD_FLOWS.has(settings.flow ?? '') ||
    Boolean(settings.identitySource)
  );
}

/** The workload identity options of `OidcCredentialsAuth`, from the flags and OIDCFLOW_* twins. */
function workloadOptions(settings: CliSettings): Partial<OidcCredentialsAuthOptions> {
  if (!settings.identitySource) return {};
  const exchange = withoutUndefined({
    subjectTokenType: settings.subjectTokenType,
    requestedTokenType: settings.requestedTokenType,
    resource: settings.resources && settings.resources.length > 0 ? settings.resources : undefined,
  });
  return withoutUndefined({
    identitySource: settings.identitySource,
    identityUse: settings.identityUse as OidcCredentialsAuthOptions['identityUse'],
    identityAudience: settings.identityAudience,
    tokenExchange: Object.keys(exchange).length > 0 ? exchange : undefined,
    // --flow names the way too (jwt_bearer, token_exchange); auto is the class's own default.
    flow: settings.flow && settings.flow !== 'auto' ? settings.flow : undefined,
  });
}

/** `value` without its undefined entries: an option not given is absent, not `undefined`. */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function commonOptions(context: CommandContext): CommonAuthOptions {
  const { settings } = context;
  return withoutUndefined({
    issuer: settings.issuer,
    clientId: settings.clientId,
    scopes: settings.scopes,
    audience: settings.audience,
    useServerAudience: settings.useServerAudience,
    caCertPath: settings.caCertPath,
    cachePath: settings.cachePath,
    cache: settings.cache as CommonAuthOptions['cache'],
    cacheFallback: settings.cacheFallback as CommonAuthOptions['cacheFallback'],
    tokenEndpoint: settings.tokenEndpoint,
    deviceAuthorizationEndpoint: settings.deviceAuthorizationEndpoint,
    privateKeyPath: settings.privateKeyPath,
    privateKeyId: settings.privateKeyId,
    allowInsecureHttp: settings.allowInsecureHttp,
    dpop: settings.dpop,
    httpTimeoutSeconds: settings.httpTimeoutSeconds,
    fetchTimeoutSeconds: settings.fetchTimeoutSeconds,
    allowedOrigins: settings.allowedOrigins,
    server: settings.resourceUrl ? { resourceUrl: settings.resourceUrl } : undefined,
    env: context.env,
    signal: context.signal,
    // Prompts (device code, login URL) share stderr's progress clearing and secret filter.
    ports: { output: context.stderr },
    // First-party plugins resolve from the CLI's own dependencies, wherever core is installed.
    loadModule: loadPluginModule,
  });
}

function userOptions(context: CommandContext, clientSecret: string | undefined): OidcAuthOptions {
  const { settings } = context;
  return withoutUndefined({
    ...commonOptions(context),
    flow: settings.flow,
    account: settings.account,
    forceLogin: settings.forceLogin,
    openBrowser: settings.openBrowser,
    authorizationEndpoint: settings.authorizationEndpoint,
    redirectUri: settings.redirectUri,
    callbackHost: settings.callbackHost,
    callbackPort: settings.callbackPort,
    callbackTimeoutSeconds: settings.callbackTimeoutSeconds,
    pkce: settings.pkce,
    loginHint: settings.loginHint,
    prompt: settings.prompt,
    acrValues: settings.acrValues,
    maxAge: settings.maxAge,
    uiLocales: settings.uiLocales,
    authParams: settings.authParams,
    stepUp: settings.stepUp as OidcAuthOptions['stepUp'],
    clientSecret,
  });
}

/**
 * The core instance for the current settings: `OidcCredentialsAuth` for the client
 * credentials grant (or when `family` says so), `OidcAuth` otherwise. The client secret is
 * read here and registered for redaction, so no message can echo it.
 */
export async function createAuth(context: CommandContext, family?: 'user' | 'client'): Promise<AuthHandle> {
  const secret = await readClientSecret(context.settings, context.env, context.stdin);
  if (secret) context.secrets.add(secret.value);
  const chosen = family ?? (wantsClientCredentials(context.settings) ? 'client' : 'user');
  if (chosen === 'client') {
    return {
      family: 'client',
      auth: new OidcCredentialsAuth({
        ...commonOptions(context),
        ...workloadOptions(context.settings),
        ...(secret ? { clientSecret: secret.value } : {}),
      }),
    };
  }
  return { family: 'user', auth: new OidcAuth(userOptions(context, secret?.value)) };
}

/** Registers every token of a set for redaction before anything can print it by mistake. */
export function rememberTokens(context: CommandContext, tokens: TokenSet): void {
  for (const token of [tokens.accessToken, tokens.refreshToken, tokens.idToken]) {
    if (token) context.secrets.add(token);
  }
}
