import { ErrorCode } from '../errors/codes.js';
import type { FlowFamily } from '../spec/cache.js';
import type { OidcAuthOptions, OidcCredentialsAuthOptions } from './options.js';
import { PROFILE_OPTIONS } from './profile-document.js';
import { profileError } from './profile-errors.js';
import { readProfileFile } from './profile-file.js';

/** What `explain()` says of the profile an instance uses. */
export interface ProfileReport {
  name: string;
  /** The configuration file it was read from. */
  path: string;
  /** The options the profile gave, with where each came from: `profile work (/home/ada/.config/oidcflow/config.toml:5)`. */
  applied: Array<{ option: string; value: unknown; from: string }>;
  /** The profile's keys that did not apply, and why: an option or a variable of the program set it, or the class does not take it. */
  ignored: Array<{ key: string; reason: string }>;
}

type Options = OidcAuthOptions & OidcCredentialsAuthOptions;

/**
 * The variables core reads for an option the program left out (config/settings.ts,
 * config/workload-settings.ts): they win over the profile, as in the CLI (flag > variable >
 * profile > default). The others are read by the CLI only.
 */
const VARIABLES: Readonly<Record<string, { variable: string; family?: FlowFamily }>> = {
  cache: { variable: 'OIDCFLOW_CACHE' },
  cacheFallback: { variable: 'OIDCFLOW_CACHE_FALLBACK' },
  privateKeyPath: { variable: 'OIDCFLOW_PRIVATE_KEY_PATH', family: 'client' },
  identitySource: { variable: 'OIDCFLOW_IDENTITY_SOURCE', family: 'client' },
  identityUse: { variable: 'OIDCFLOW_IDENTITY_USE', family: 'client' },
  identityAudience: { variable: 'OIDCFLOW_IDENTITY_AUDIENCE', family: 'client' },
};

/** Settings of the file that are a field of a nested option: `tokenExchange.resource`. */
const TOKEN_EXCHANGE_FIELDS: Readonly<Record<string, string>> = {
  subjectTokenType: 'subjectTokenType',
  requestedTokenType: 'requestedTokenType',
  resources: 'resource',
};

/**
 * The client secret in the file a profile's `client-secret-file` names, as the CLI reads it:
 * the path as written (no `~`), one trailing newline dropped. Its problems name the profile's
 * line; the secret itself is never in a message or in `explain()`.
 */
async function readSecretFile(file: string, at: { path: string; line: number | undefined; name: string }) {
  const problem = (what: string) =>
    profileError(
      ErrorCode.PROFILE_INVALID,
      at.path,
      at.line,
      `client-secret-file ${file} of profile "${at.name}" ${what}: give the path of a file that holds only the secret.`,
    );
  let text: string;
  try {
    text = await process.getBuiltinModule('node:fs/promises').readFile(file, 'utf8');
  } catch (error) {
    throw problem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw problem('is empty');
  return secret;
}

/** Core counts an empty string as not given (`issuer: ''` is the reference API's default). */
const isGiven = (value: unknown) => value !== undefined && value !== '';

/**
 * The options with the profile `options.profile` filling what the program left out: the
 * program's options > the variables core reads (`OIDCFLOW_CACHE`, …) > the profile > the
 * defaults. Only the keys the class takes apply (`ProfileOption.usedBy`); the file is found
 * through the `env` option (`OIDCFLOW_CONFIG`, else the platform's configuration folder).
 */
export async function withProfile(
  options: Options,
  family: FlowFamily,
): Promise<{ options: Options; report: ProfileReport }> {
  const name = options.profile as string;
  const env = options.env ?? process.env;
  const file = await readProfileFile({ env });
  const profile = file.profile(name);
  const merged: Record<string, unknown> = { ...options };
  const report: ProfileReport = { name, path: file.path, applied: [], ignored: [] };
  const exchange: Record<string, unknown> = { ...options.tokenExchange };
  for (const option of PROFILE_OPTIONS.values()) {
    const value = profile.settings[option.setting];
    if (value === undefined) continue;
    const skip = (reason: string) => report.ignored.push({ key: option.key, reason });
    if (option.usedBy === 'cli') {
      skip('a setting of the oidcflow command only');
      continue;
    }
    if (option.usedBy !== 'all' && option.usedBy !== family) {
      skip(`taken by ${option.usedBy === 'user' ? 'OidcAuth' : 'OidcCredentialsAuth'} only`);
      continue;
    }
    const line = profile.lines[option.setting];
    const from = `profile ${name} (${file.path}${line ? `:${line}` : ''})`;
    if (option.setting === 'clientSecretFile') {
      // The secret the file holds is the clientSecret option; OIDCFLOW_CLIENT_SECRET, which core
      // reads for OidcCredentialsAuth, wins over it as any variable wins over the profile.
      if (isGiven(options.clientSecret)) skip('the clientSecret option is given');
      else if (family === 'client' && env.OIDCFLOW_CLIENT_SECRET) skip('OIDCFLOW_CLIENT_SECRET is set');
      else {
        merged.clientSecret = await readSecretFile(value as string, { path: file.path, line, name });
        report.applied.push({ option: 'clientSecret', value: `read from ${value as string}`, from });
      }
      continue;
    }
    const field = TOKEN_EXCHANGE_FIELDS[option.setting];
    const target = field
      ? `tokenExchange.${field}`
      : option.setting === 'resourceUrl'
        ? 'server'
        : option.setting;
    const given = field ? exchange[field] : merged[target];
    if (isGiven(given)) {
      skip(`the ${target} option is given`);
      continue;
    }
    const variable = VARIABLES[option.setting];
    if (variable && (variable.family ?? family) === family && env[variable.variable]) {
      skip(`${variable.variable} is set`);
      continue;
    }
    if (field) exchange[field] = value;
    else merged[target] = target === 'server' ? { resourceUrl: value } : value;
    report.applied.push({ option: target === 'server' ? 'server.resourceUrl' : target, value, from });
  }
  if (Object.keys(exchange).length > 0) merged.tokenExchange = exchange;
  return { options: merged as Options, report };
}
