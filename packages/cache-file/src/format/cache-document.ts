import type { CacheEntry, CacheKey } from '@oidcflow/core';
import { accountPartProblem, isTime } from '@oidcflow/core';

/** The version of the file format. A file with another version is a cache miss, then replaced. */
export const CACHE_FORMAT_VERSION = 1;

/** Files bigger than this are not tokens: they are refused before parsing. */
export const MAX_CACHE_FILE_BYTES = 1024 * 1024;

/** The key as written into the file, so a reader can check it got the entry it asked for. */
interface StoredKey {
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
  family: string;
}

/** What one cache file holds: `{ "version": 1, "key": …, "entry": … }`. */
export interface CacheDocument {
  version: typeof CACHE_FORMAT_VERSION;
  key: StoredKey;
  entry: CacheEntry;
}

export type ParseResult = { entry: CacheEntry } | { problem: string };

function storedKey(key: CacheKey): StoredKey {
  const stored: StoredKey = {
    issuer: key.issuer,
    clientId: key.clientId,
    scopes: [...key.scopes],
    family: key.family,
  };
  if (key.audience !== undefined) stored.audience = key.audience;
  return stored;
}

export function serializeCacheDocument(key: CacheKey, entry: CacheEntry): string {
  const document: CacheDocument = { version: CACHE_FORMAT_VERSION, key: storedKey(key), entry };
  return `${JSON.stringify(document, null, 2)}\n`;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Why `tokens` is not a TokenSet, or undefined when it is one. */
function tokensProblem(tokens: unknown): string | undefined {
  if (!isObject(tokens)) return 'entry.tokens is not an object';
  if (!isString(tokens.accessToken) || tokens.accessToken === '')
    return 'entry.tokens.accessToken is missing';
  if (!isString(tokens.tokenType)) return 'entry.tokens.tokenType is missing';
  if (!isTime(tokens.expiresAt)) return 'entry.tokens.expiresAt is not a time';
  for (const field of ['refreshToken', 'idToken', 'scope'] as const) {
    if (!optional(tokens[field], isString)) return `entry.tokens.${field} is not a string`;
  }
  if (!optional(tokens.idTokenClaims, isObject)) return 'entry.tokens.idTokenClaims is not an object';
  return undefined;
}

/** Metadata members a refresh reads from the cache: a wrong type would fail the refresh oddly. */
const METADATA_URLS = [
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
] as const;
const METADATA_LISTS = [
  'scopes_supported',
  'grant_types_supported',
  'response_types_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'id_token_signing_alg_values_supported',
] as const;

const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);

function metadataProblem(metadata: unknown): string | undefined {
  if (metadata === undefined) return undefined;
  if (!isObject(metadata)) return 'entry.metadata is not an object';
  const document = metadata.document;
  if (!isObject(document) || !isString(document.issuer))
    return 'entry.metadata.document is not a metadata document';
  for (const field of METADATA_URLS) {
    if (!optional(document[field], isString)) return `entry.metadata.document.${field} is not a string`;
  }
  for (const field of METADATA_LISTS) {
    if (!optional(document[field], isStringList))
      return `entry.metadata.document.${field} is not a list of strings`;
  }
  if (!isTime(metadata.fetchedAt)) return 'entry.metadata.fetchedAt is not a time';
  if (!optional(metadata.synthesized, (v) => typeof v === 'boolean'))
    return 'entry.metadata.synthesized is not a boolean';
  return undefined;
}

function sameKey(stored: unknown, key: CacheKey): boolean {
  if (!isObject(stored)) return false;
  const scopes = stored.scopes;
  return (
    stored.issuer === key.issuer &&
    stored.clientId === key.clientId &&
    stored.family === key.family &&
    stored.audience === key.audience &&
    Array.isArray(scopes) &&
    scopes.length === key.scopes.length &&
    scopes.every((scope, index) => scope === key.scopes[index])
  );
}

/**
 * Reads a cache file's text. Never throws: anything that is not a version-1 document for
 * `key` with a well-formed entry is a problem, described in words for a warning (no token
 * value is ever part of the description).
 */
export function parseCacheDocument(text: string, key: CacheKey): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { problem: 'it is not valid JSON' };
  }
  if (!isObject(document)) return { problem: 'it is not a JSON object' };
  if (document.version !== CACHE_FORMAT_VERSION) {
    const version = isFiniteNumber(document.version) ? String(document.version) : 'no';
    return {
      problem: `it has format version ${version}, and this @oidcflow/cache-file reads version ${CACHE_FORMAT_VERSION}`,
    };
  }
  if (!sameKey(document.key, key))
    return { problem: 'it belongs to other settings (issuer, client, scopes)' };
  const entry = document.entry;
  if (!isObject(entry)) return { problem: 'entry is not an object' };
  const problem =
    tokensProblem(entry.tokens) ??
    metadataProblem(entry.metadata) ??
    (!isString(entry.flow) ? 'entry.flow is not a string' : undefined) ??
    (!isTime(entry.savedAt) ? 'entry.savedAt is not a time' : undefined) ??
    accountPartProblem(entry);
  if (problem) return { problem };
  return { entry: entry as unknown as CacheEntry };
}
