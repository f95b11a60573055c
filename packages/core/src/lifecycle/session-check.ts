import type { AccountRef, CacheEntry } from '../spec/cache.js';
import { type CheckedTarget, dropRejected, switchAccount } from './accounts.js';
import { refreshEntry } from './obtain.js';
import { RefreshRejected } from './refresh.js';
import type { AuthRuntime } from './runtime.js';
import { sessionEnded } from './shared-browser.js';

/**
 * Checks the IdP session of an account another user signed in after (`laterSignIn`), with the
 * one cheap check there is: one refresh (RFC 9700 §4.14: a refresh token lives with the
 * session unless it is an offline one). Accepted: the refreshed entry, stored and unmarked.
 * Refused (`invalid_grant`), or no refresh token to ask with: the account's tokens are
 * removed (it stays listed) and the error says to log it in again. Any other failure (the
 * IdP unreachable) is thrown as it is, and the entry stays marked for the next try.
 */
export async function checkSession(
  runtime: AuthRuntime,
  target: CheckedTarget,
  entry: CacheEntry,
): Promise<CacheEntry> {
  const signIn = entry.laterSignIn;
  if (!signIn) return entry;
  const refreshable = Boolean(entry.tokens.refreshToken);
  if (refreshable) {
    try {
      const refreshed = await refreshEntry(runtime, entry);
      await runtime.cache.set(target.key, refreshed);
      runtime.logger.debug('the account was checked with a refresh: its IdP session is alive');
      return refreshed;
    } catch (error) {
      if (!(error instanceof RefreshRejected)) throw error;
    }
  }
  await dropRejected(runtime, target, entry);
  throw sessionEnded(target.expected, signIn, refreshable);
}

/**
 * `useAccount`: makes the account `name` current, after checking it with a refresh when
 * another user signed in after it; on refusal nothing switches (the error says what to do).
 */
export function switchCheckedAccount(runtime: AuthRuntime, name: string): Promise<AccountRef> {
  return switchAccount(runtime, name, (target, entry) => checkSession(runtime, target, entry));
}
