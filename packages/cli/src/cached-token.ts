import type { CacheEntry } from '@oidcflow/core';

/**
 * `oidcflow token`'s warm path, straight-line in the bin entry: when the arguments are among
 * the few below (and `--output` is `token` or kubectl's `exec-credential`) and the cache holds
 * a fresh token, the answer is printed and no parser, option table, help or command module loads. Anything else (another flag, another
 * OIDCFLOW_* variable, a miss, an error) answers undefined and the full CLI runs as before, so
 * this never decides an outcome on its own: it only skips work on the common hit.
 * test/cached-token.test.ts checks these names against the option table.
 */
export const FAST_TOKEN_FLAGS = {
  '--issuer': 'issuer',
  '--client-id': 'clientId',
  '--scope': 'scopes',
  '--cache-path': 'cachePath',
  '--cache': 'cache',
  '--cache-fallback': 'cacheFallback',
} as const;
export const FAST_TOKEN_ENV = {
  OIDCFLOW_ISSUER: 'issuer',
  OIDCFLOW_CLIENT_ID: 'clientId',
  OIDCFLOW_SCOPES: 'scopes',
  OIDCFLOW_CACHE_PATH: 'cachePath',
  OIDCFLOW_CACHE: 'cache',
  OIDCFLOW_CACHE_FALLBACK: 'cacheFallback',
} as const;
/** The values the warm path accepts for options with choices; anything else goes to the full parser. */
export const FAST_TOKEN_CHOICES: Partial<Record<FastSetting, readonly string[]>> = {
  cache: ['auto', 'keyring', 'file'],
  cacheFallback: ['file', 'error'],
};
/** Read by @oidcflow/cache-keyring itself (its kernel keyring copy); no option of the table. */
const KEYRING_ENV = 'OIDCFLOW_KEYRING_KERNEL_COPY';
/** Read by the full CLI too (settings/read-client-secret.ts); not an option of the table. */
const CLIENT_SECRET_ENV = 'OIDCFLOW_CLIENT_SECRET';

type FastSetting = (typeof FAST_TOKEN_FLAGS)[keyof typeof FAST_TOKEN_FLAGS];

/** `openid, profile email` → ['openid', 'profile', 'email'], as the full parser splits lists. */
const splitList = (value: string) => value.split(/[\s,]+/).filter((item) => item !== '');

interface FastSettings {
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  cachePath?: string;
  cache?: string;
  cacheFallback?: string;
  clientCredentials: boolean;
  /** The token alone, or kubectl's ExecCredential (kubectl runs the plugin for every call). */
  output: 'token' | 'exec-credential';
}

const OUTPUT_FLAGS = new Set(['--output', '-o']);

/** The settings when every argument and OIDCFLOW_* variable is one the warm path knows. */
function fastSettings(args: readonly string[], env: NodeJS.ProcessEnv): FastSettings | undefined {
  for (const name in env) {
    if (
      name.startsWith('OIDCFLOW_') &&
      !(name in FAST_TOKEN_ENV) &&
      name !== CLIENT_SECRET_ENV &&
      name !== KEYRING_ENV
    )
      return undefined;
  }
  const settings: FastSettings = { clientCredentials: false, output: 'token' };
  let outputGiven = false;
  const fromFlags = new Set<FastSetting>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--client-credentials') {
      settings.clientCredentials = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    if (OUTPUT_FLAGS.has(flag)) {
      const value = equals === -1 ? args[++index] : arg.slice(equals + 1);
      if (outputGiven || (value !== 'token' && value !== 'exec-credential')) return undefined;
      settings.output = value;
      outputGiven = true;
      continue;
    }
    if (!Object.hasOwn(FAST_TOKEN_FLAGS, flag)) return undefined;
    const value = equals === -1 ? args[++index] : arg.slice(equals + 1);
    if (value === undefined || (equals === -1 && value.startsWith('-'))) return undefined;
    const key = FAST_TOKEN_FLAGS[flag as keyof typeof FAST_TOKEN_FLAGS];
    if (key === 'scopes') {
      settings.scopes = [...(fromFlags.has(key) ? (settings.scopes ?? []) : []), ...splitList(value)];
    } else {
      // The full parser takes the last of a repeated flag; leave such lines to it.
      if (fromFlags.has(key)) return undefined;
      settings[key] = value;
    }
    fromFlags.add(key);
  }
  for (const [name, key] of Object.entries(FAST_TOKEN_ENV)) {
    const value = env[name];
    if (fromFlags.has(key) || value === undefined || value === '') continue;
    if (key === 'scopes') settings.scopes = splitList(value);
    else settings[key] = value;
  }
  for (const [key, choices] of Object.entries(FAST_TOKEN_CHOICES)) {
    const value = settings[key as keyof typeof FAST_TOKEN_CHOICES];
    if (value !== undefined && !choices.includes(value as string)) return undefined;
  }
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
    const settings = fastSettings(args, env);
    if (!settings) return undefined;
    const { OidcAuth, OidcCredentialsAuth, isFresh } = await import('@oidcflow/core');
    const options = {
      ...(settings.issuer !== undefined ? { issuer: settings.issuer } : {}),
      ...(settings.clientId !== undefined ? { clientId: settings.clientId } : {}),
      ...(settings.scopes !== undefined ? { scopes: settings.scopes } : {}),
      ...(settings.cachePath !== undefined ? { cachePath: settings.cachePath } : {}),
      ...(settings.cache !== undefined ? { cache: settings.cache } : {}),
      ...(settings.cacheFallback !== undefined ? { cacheFallback: settings.cacheFallback } : {}),
      env,
      // As the full CLI does: first-party plugins resolve from the CLI's own dependencies.
      loadModule: (specifier: string) => import(specifier),
    } as ConstructorParameters<typeof OidcAuth>[0];
    const secret = env[CLIENT_SECRET_ENV];
    const auth = settings.clientCredentials
      ? new OidcCredentialsAuth({ ...options, ...(secret ? { clientSecret: secret } : {}) })
      : new OidcAuth(options);
    const cached = await auth.getCachedTokens();
    if (!cached) return undefined;
    const entry = { tokens: cached.tokens, flow: cached.flow, savedAt: cached.savedAt } as CacheEntry;
    if (settings.output === 'token') {
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
