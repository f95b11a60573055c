import { accountKey, accountLabel, accountOfEntry, isAccountNamed } from '../cache/account-ref.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { AccountRef, CacheEntry, CacheKey, CachePlugin, LaterSignIn } from '../spec/cache.js';

/**
 * Several accounts for one set of settings. The settings' own key holds the current account's
 * entry, with the list of the others (`otherAccounts`); each other account's entry is kept
 * under the key with its `sub` (`accountKey`). So the common call — the current account, a
 * fresh token — still reads one entry, and a cache written before accounts existed is simply
 * a current account without others. Every function here runs under the lock of the settings'
 * key, which guards all the accounts of those settings.
 */

/** What the runtime gives this module. */
export interface AccountBook {
  readonly cache: CachePlugin;
  /** The settings' own key: the current account's entry. */
  readonly key: CacheKey;
}

/** Where the entry of the account a call asks for is, and what must come back from a login. */
export interface AccountTarget {
  key: CacheKey;
  /** The settings' own entry (the current account, or nothing asked). */
  current: boolean;
  /** The account already known under that name: a login must return its `sub`. */
  expected?: AccountRef;
  /** The name asked for (`account`), sent as `login_hint` when a login is needed. */
  requested?: string;
}

const label = (account: AccountRef) => terminalText(accountLabel(account));

/** The other accounts the settings' entry lists; none when it is damaged (a miss, as its tokens). */
function othersOf(base: CacheEntry | undefined): readonly AccountRef[] {
  return (isUsableEntry(base) && base.otherAccounts) || [];
}

/** Every account kept for the settings: the current one first. */
function knownAccounts(base: CacheEntry | undefined): AccountRef[] {
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  return [...(current ? [current] : []), ...othersOf(base)];
}

/** ACCOUNT_UNKNOWN, listing the accounts there are. */
function unknownAccount(name: string, base: CacheEntry | undefined): OidcflowError {
  const known = knownAccounts(base).map(label);
  const list =
    known.length > 0
      ? `Known accounts: ${known.join(', ')}.`
      : 'No account is logged in with these settings.';
  return new OidcflowError(
    ErrorCode.ACCOUNT_UNKNOWN,
    `No account "${terminalText(name)}" is logged in with these settings. ${list} Log it in with oidcflow login --account ${terminalText(name)} (or login() with the account option).`,
  );
}

/** The entry a call for `name` (or the current account) uses, and what a login must return. */
export function targetFor(
  book: AccountBook,
  base: CacheEntry | undefined,
  name: string | undefined,
): AccountTarget {
  if (name === undefined) return { key: book.key, current: true };
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  if (isAccountNamed(current, name))
    return { key: book.key, current: true, expected: current!, requested: name };
  const other = othersOf(base).find((account) => isAccountNamed(account, name));
  if (other)
    return { key: accountKey(book.key, other.sub), current: false, expected: other, requested: name };
  // Not known yet: where it goes depends on the `sub` the login returns.
  return { key: book.key, current: !current, requested: name };
}

/** An entry of `target` that holds the account it should (a kept entry is checked, not trusted). */
export function entryOfTarget(target: AccountTarget, stored: CacheEntry | undefined): CacheEntry | undefined {
  if (!isUsableEntry(stored)) return undefined;
  if (target.expected && accountOfEntry(stored)?.sub !== target.expected.sub) return undefined;
  if (!target.expected && target.requested !== undefined) return undefined;
  return stored;
}

/**
 * The accounts cached for the settings other than the one a login is for: those whose IdP
 * session a sign-in (browser or device code) may end. Without a name the login is most likely the current
 * account's own again.
 */
export function accountsBeside(base: CacheEntry | undefined, target: AccountTarget): AccountRef[] {
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  const signingIn = target.expected?.sub ?? (target.requested === undefined ? current?.sub : undefined);
  return knownAccounts(base).filter((account) => account.sub !== signingIn);
}

/** The account a login returned must be the one asked for: never stored under another name. */
export function checkLoginAccount(target: AccountTarget, account: AccountRef | undefined): void {
  const { expected, requested } = target;
  if (requested === undefined) return;
  const asked = `"${terminalText(requested)}"`;
  if (!account) {
    throw new OidcflowError(
      ErrorCode.ACCOUNT_MISMATCH,
      `Account ${asked} was asked for, and the login brought no ID token to tell who logged in. Ask for the openid scope to use accounts. Nothing was stored.`,
    );
  }
  const matches = expected ? account.sub === expected.sub : isAccountNamed(account, requested);
  if (!matches) {
    throw new OidcflowError(
      ErrorCode.ACCOUNT_MISMATCH,
      `Account ${asked} was asked for, and the IdP logged in ${label(account)} (sub ${terminalText(account.sub)}). Nothing was stored. The IdP most likely signed in the user its browser session remembers: log in as ${asked} from a private browser window (or another browser profile), which keeps ${label(account)}'s IdP session (signing out of the IdP's page ends it), or ask for --account ${label(account)}.`,
    );
  }
}

function withoutList(entry: CacheEntry): CacheEntry {
  const { otherAccounts: _others, ...rest } = entry;
  return rest;
}

function withList(entry: CacheEntry, others: readonly AccountRef[]): CacheEntry {
  const rest = withoutList(entry);
  return others.length > 0 ? { ...rest, otherAccounts: others } : rest;
}

const except = (accounts: readonly AccountRef[], sub: string) =>
  accounts.filter((account) => account.sub !== sub);

/** Marks the kept account `sub`'s entry with `signIn`, when it still holds that account's tokens. */
async function markKept(book: AccountBook, sub: string, signIn: LaterSignIn): Promise<void> {
  const keptKey = accountKey(book.key, sub);
  const kept = await book.cache.get(keptKey);
  if (isUsableEntry(kept) && accountOfEntry(kept)?.sub === sub)
    await book.cache.set(keptKey, { ...kept, laterSignIn: signIn });
}

/**
 * Stores a login's entry. It becomes the current account unless an account other than the
 * current one was asked for by a call that only wants its token (`makeCurrent` false); the
 * account it replaces as current is kept under its own key, and stays listed. After a user
 * signed in at the IdP (`userSignIn`: in the browser, or by approving a device code, which may
 * have been in the browser of another account's IdP session), every other account's entry
 * records it (`laterSignIn`): written here, with the login, so that a hit reads nothing more.
 */
export async function storeLogin(
  book: AccountBook,
  base: CacheEntry | undefined,
  target: AccountTarget,
  entry: CacheEntry,
  makeCurrent: boolean,
  userSignIn = false,
): Promise<void> {
  const { cache, key } = book;
  const account = entry.account;
  const others = othersOf(base);
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  if (!account) {
    // No ID token, no account to tell apart: the settings' entry, as before accounts existed.
    await cache.set(key, withList(entry, others));
    return;
  }
  const signIn: LaterSignIn | undefined = userSignIn ? { account, at: entry.savedAt } : undefined;
  if (signIn) for (const other of except(others, account.sub)) await markKept(book, other.sub, signIn);
  // The current account's entry, when another user signed in at the IdP.
  const marked = (replaced: CacheEntry): CacheEntry =>
    signIn ? { ...replaced, laterSignIn: signIn } : replaced;
  const kept = others.some((other) => other.sub === account.sub);
  if (!makeCurrent && target.requested !== undefined && current && current.sub !== account.sub) {
    await cache.set(accountKey(key, account.sub), withoutList(entry));
    await cache.set(key, withList(marked(base!), [...except(others, account.sub), account]));
    return;
  }
  const rest = except(others, account.sub);
  if (current && current.sub !== account.sub) {
    await cache.set(accountKey(key, current.sub), withoutList(marked(base!)));
    rest.unshift(current);
  }
  await cache.set(key, withList(entry, rest));
  if (kept) await cache.delete(accountKey(key, account.sub));
}

/**
 * After a refresh token was refused: an entry that lists other accounts keeps its place (and
 * the list) without a refresh token, so the account stays known and the next call logs in.
 */
export async function dropRejected(
  book: AccountBook,
  target: AccountTarget,
  entry: CacheEntry,
): Promise<void> {
  if (target.current && entry.otherAccounts?.length) {
    const { refreshToken: _refresh, ...tokens } = entry.tokens;
    await book.cache.set(target.key, { ...entry, tokens: { ...tokens, expiresAt: 0 } });
  } else {
    await book.cache.delete(target.key);
  }
}

/**
 * Checks an entry marked `laterSignIn` before a switch hands it on: the entry, refreshed and
 * unmarked, or an error (its tokens removed) when the IdP refused (lifecycle/session-check.ts).
 */
export type SessionCheck = (target: CheckedTarget, entry: CacheEntry) => Promise<CacheEntry>;

/** The entry of a known account, checked before a switch. */
export type CheckedTarget = AccountTarget & { expected: AccountRef };

/**
 * Makes the account `name` current: what kubectl, git and every call without `account` get.
 * An account another user signed in after (`laterSignIn`) is checked by `check` first.
 */
export async function switchAccount(
  book: AccountBook,
  name: string,
  check: SessionCheck,
): Promise<AccountRef> {
  const { cache, key } = book;
  const base = await cache.get(key);
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  if (isAccountNamed(current, name)) {
    if (base!.laterSignIn) await check({ key, current: true, expected: current! }, base!);
    return current!;
  }
  const other = othersOf(base).find((account) => isAccountNamed(account, name));
  if (!other) throw unknownAccount(name, base);
  const otherKey = accountKey(key, other.sub);
  let entry = await cache.get(otherKey);
  if (!isUsableEntry(entry) || accountOfEntry(entry)?.sub !== other.sub) {
    throw new OidcflowError(
      ErrorCode.NOT_LOGGED_IN,
      `No tokens are kept for account ${label(other)} any more. Log it in again: oidcflow login --account ${label(other)}.`,
    );
  }
  if (entry.laterSignIn) entry = await check({ key: otherKey, current: false, expected: other }, entry);
  const rest = except(othersOf(base), other.sub);
  if (current) {
    await cache.set(accountKey(key, current.sub), withoutList(base!));
    rest.unshift(current);
  }
  await cache.set(key, withList(entry, rest));
  await cache.delete(accountKey(key, other.sub));
  return other;
}

/** What `removeAccount` took out, for the revocation and for what to tell the user. */
export interface RemovedAccount {
  entry?: CacheEntry;
  account?: AccountRef;
  /** The account that became current in its place, if any. */
  nowCurrent?: AccountRef;
}

/**
 * Takes the account `name` (or the current one) out of the cache. When it was the current
 * one, the next kept account becomes current; the others stay as they were.
 */
export async function removeAccount(book: AccountBook, name: string | undefined): Promise<RemovedAccount> {
  const { cache, key } = book;
  const base = await cache.get(key);
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  const others = othersOf(base);
  if (name !== undefined && !isAccountNamed(current, name)) {
    const other = others.find((account) => isAccountNamed(account, name));
    if (!other) throw unknownAccount(name, base);
    const otherKey = accountKey(key, other.sub);
    const entry = await cache.get(otherKey);
    await cache.delete(otherKey);
    await cache.set(key, withList(base!, except(others, other.sub)));
    return { ...(isUsableEntry(entry) ? { entry } : {}), account: other };
  }
  if (!base) return {};
  const removed: RemovedAccount = { entry: base, ...(current ? { account: current } : {}) };
  const remaining = [...others];
  while (remaining.length > 0) {
    const next = remaining.shift()!;
    const nextKey = accountKey(key, next.sub);
    const entry = await cache.get(nextKey);
    await cache.delete(nextKey);
    if (isUsableEntry(entry) && accountOfEntry(entry)?.sub === next.sub) {
      await cache.set(key, withList(entry, remaining));
      return { ...removed, nowCurrent: next };
    }
  }
  await cache.delete(key);
  return removed;
}

/** One account as `accounts()` reports it. */
export interface AccountStatus extends AccountRef {
  /** The account calls without `account` use (and kubectl and git get). */
  current: boolean;
  /** When its access token expires (epoch ms); a refresh token may renew it. */
  expiresAt?: number;
  /** A refresh token is kept: no login is needed to renew. */
  refreshable: boolean;
  /**
   * Another user signed in after this account (through the browser, or by a device code): if
   * that was in the same browser its IdP session has ended, so its tokens are checked with a
   * refresh before they are used again.
   */
  laterSignIn?: LaterSignIn;
}

function statusOf(account: AccountRef, entry: CacheEntry | undefined, current: boolean): AccountStatus {
  const usable = isUsableEntry(entry) && accountOfEntry(entry)?.sub === account.sub;
  const later = usable ? entry.laterSignIn : undefined;
  return {
    ...account,
    current,
    ...(usable ? { expiresAt: entry.tokens.expiresAt } : {}),
    refreshable: usable && Boolean(entry.tokens.refreshToken),
    ...(later ? { laterSignIn: later } : {}),
  };
}

/** The accounts kept for the settings, the current one first. No request is made. */
export async function listAccounts(book: AccountBook): Promise<AccountStatus[]> {
  const base = await book.cache.get(book.key);
  const current = isUsableEntry(base) ? accountOfEntry(base) : undefined;
  const statuses = current ? [statusOf(current, base, true)] : [];
  for (const other of othersOf(base)) {
    statuses.push(statusOf(other, await book.cache.get(accountKey(book.key, other.sub)), false));
  }
  return statuses;
}
