import type { AccountRef, CacheEntry } from '../spec/cache.js';

/** The largest distance from 1970 a `Date` can hold, in ms (ECMAScript §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;

/** An epoch-ms time a `Date` can hold (so `toISOString` cannot throw "Invalid time value"). */
export const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS;

const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** An `AccountRef` as written at login: a non-empty `sub`, and names that are strings. */
function isAccountRef(value: unknown): value is AccountRef {
  const account = value as Partial<AccountRef> | null | undefined;
  return (
    typeof account === 'object' &&
    account !== null &&
    typeof account.sub === 'string' &&
    account.sub !== '' &&
    isOptionalString(account.username) &&
    isOptionalString(account.email)
  );
}

/**
 * Why an entry's account part is not what a login writes (`account`, `otherAccounts`,
 * `laterSignIn`), or undefined when it is (or absent). The account words, the switch and the
 * later-sign-in check read these fields as typed: a planted `account: null` must be a damaged
 * entry, not an exception or "undefined" in a message. The file cache reports the problem in
 * its warning (cache-file's parseCacheDocument); `isUsableEntry` makes it a miss for any cache.
 */
export function accountPartProblem(entry: {
  account?: unknown;
  otherAccounts?: unknown;
  laterSignIn?: unknown;
}): string | undefined {
  const { account, otherAccounts, laterSignIn } = entry;
  if (account !== undefined && !isAccountRef(account)) return 'entry.account is not an account';
  if (otherAccounts !== undefined && !(Array.isArray(otherAccounts) && otherAccounts.every(isAccountRef)))
    return 'entry.otherAccounts is not a list of accounts';
  if (laterSignIn !== undefined) {
    const signIn = laterSignIn as { account?: unknown; at?: unknown } | null;
    if (typeof signIn !== 'object' || signIn === null || !isAccountRef(signIn.account) || !isTime(signIn.at))
      return 'entry.laterSignIn is not an account and a time';
  }
  return undefined;
}

/**
 * Whether a cache entry can be turned into a token: an access token, times a `Date` can hold
 * and a well-formed account part. Anything else (a third-party cache's garbage, an entry
 * written before the lifetimes were clamped, a planted account) is a cache miss, never an
 * exception later ("Invalid time value").
 */
export function isUsableEntry(entry: CacheEntry | undefined): entry is CacheEntry {
  const tokens = entry?.tokens as Partial<CacheEntry['tokens']> | undefined;
  return (
    typeof tokens === 'object' &&
    tokens !== null &&
    typeof tokens.accessToken === 'string' &&
    tokens.accessToken !== '' &&
    isTime(tokens.expiresAt) &&
    isTime(entry?.savedAt) &&
    accountPartProblem(entry!) === undefined
  );
}
