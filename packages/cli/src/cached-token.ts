import type { CacheEntry } from '@oidcflow/core';

import type { CliSettings } from './options/option-table.js';
import { acceptedOptionsFor } from './options/option-table.js';
import { parseCommandLine } from './options/parse.js';
import { loadPluginModule } from './plugin-modules.js';
import { applyProfile } from './profiles/apply-profile.js';

/**
 * `oidcflow token`'s warm path, straight-line in the bin entry: the arguments and OIDCFLOW_*
 * variables are parsed by the one parser and option table the full CLI uses; when they give
 * only the settings below (and `--output` is `token` or kubectl's `exec-credential`) and the
 * cache holds a fresh token, the answer is printed and no help, command module or flow loads.
 * Anything else (another setting, another OIDCFLOW_* variable, a usage error, a miss, an error)
 * answers undefined and the full CLI runs as before, so this never decides an outcome on its
 * own: it only skips work on the common hit.
 */
export const HIT_SETTINGS: ReadonlySet<keyof CliSettings> = new Set<keyof CliSettings>([
  'issuer',
  'clientId',
  'scopes',
  'cachePath',
  'cache',
  'cacheFallback',
  'account',
  'profile',
  'clientCredentials',
  'output',
]);
const HIT_OUTPUTS = new Set(['token', 'exec-credential']);
/** Read by the full CLI too (settings/read-client-secret.ts); not an option of the table. */
const CLIENT_SECRET_ENV = 'OIDCFLOW_CLIENT_SECRET';
/** Read by @oidcflow/cache-keyring itself (its kernel keyring copy); not an option of the table. */
const KEYRING_ENV = 'OIDCFLOW_KEYRING_KERNEL_COPY';
/**
 * The options of the table that fill the hit settings: the warm path parses with these only, so
 * any other flag is an unknown option to it and the full CLI runs (and parses with them all).
 */
const HIT_OPTIONS = acceptedOptionsFor('token').filter((option) => HIT_SETTINGS.has(option.key));
/** The variables of the hit settings, from the table: any other OIDCFLOW_* one runs the full CLI. */
const HIT_VARIABLES = new Set(HIT_OPTIONS.filter((option) => option.env).map((option) => option.env));

/** The parsed settings when they are all ones the warm path can answer with. */
async function hitSettings(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CliSettings | undefined> {
  for (const name in env) {
    if (
      name.startsWith('OIDCFLOW_') &&
      name !== CLIENT_SECRET_ENV &&
      name !== KEYRING_ENV &&
      !HIT_VARIABLES.has(name)
    )
      return undefined;
  }
  // A usage error (an option outside HIT_OPTIONS too), or a profile's, is the full CLI's to
  // report. The profile is applied with all of the command's options, so that one of its
  // settings the warm path cannot answer with shows below.
  const { settings } = await applyProfile('token', parseCommandLine('token', args, env, HIT_OPTIONS), env);
  for (const key of Object.keys(settings) as (keyof CliSettings)[]) {
    if (!HIT_SETTINGS.has(key)) return undefined;
  }
  if (settings.output !== undefined && !HIT_OUTPUTS.has(settings.output)) return undefined;
  return settings;
}

/**
 * What `oidcflow token <args>` prints when the cache answers, or undefined when the full CLI
 * must run. Loads core and the cache plugin only; never makes a request, never throws.
 */
export async function cachedTokenOutput(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    const settings = await hitSettings(args, env);
    if (!settings) return undefined;
    const { OidcAuth, OidcCredentialsAuth, isFresh } = await import('@oidcflow/core');
    const options = {
      ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
      ...(settings.clientId !== undefined ? { clientId: settings.clientId } : {}),
      ...(settings.scopes !== undefined ? { scopes: settings.scopes } : {}),
      ...(settings.cachePath !== undefined ? { cachePath: settings.cachePath } : {}),
      ...(settings.cache !== undefined ? { cache: settings.cache } : {}),
      ...(settings.cacheFallback !== undefined ? { cacheFallback: settings.cacheFallback } : {}),
      // The current account's entry is read as always; another account's is a second read.
      ...(settings.account !== undefined ? { account: settings.account } : {}),
      env,
      // As the full CLI does: first-party plugins resolve from the CLI's own dependencies.
      loadModule: loadPluginModule,
    } as ConstructorParameters<typeof OidcAuth>[0];
    const secret = env[CLIENT_SECRET_ENV];
    const auth = settings.clientCredentials
      ? new OidcCredentialsAuth({ ...options, ...(secret ? { clientSecret: secret } : {}) })
      : new OidcAuth(options);
    const cached = await auth.getCachedTokens();
    if (!cached) return undefined;
    // An entry marked laterSignIn is not fresh (isFresh): its session is checked by the full CLI.
    const entry = {
      tokens: cached.tokens,
      flow: cached.flow,
      savedAt: cached.savedAt,
      ...(cached.laterSignIn ? { laterSignIn: cached.laterSignIn } : {}),
    } as CacheEntry;
    if (settings.output !== 'exec-credential') {
      if (!isFresh(entry, Date.now(), 'access')) return undefined;
      return `${cached.tokens.accessToken}\n`;
    }
    // As runToken: kubectl gets the ID token after a user login, in the version it asked for.
    const [{ readExecInfo }, { formatTokens }] = await Promise.all([
      import('./kubernetes/exec-info.js'),
      import('./output/token-formats.js'),
    ]);
    const execInfo = readExecInfo(env);
    const tokenType = settings.clientCredentials ? 'access' : 'id';
    const now = Date.now();
    if (!isFresh(entry, now, tokenType)) return undefined;
    return formatTokens(cached.tokens, 'exec-credential', {
      now,
      includeRefreshToken: false,
      tokenType,
      execApiVersion: execInfo.apiVersion,
    });
  } catch {
    // Whatever went wrong, the full CLI reports it in its own words.
    return undefined;
  }
}
