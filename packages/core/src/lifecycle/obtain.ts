import { accountOfEntry } from '../cache/account-ref.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { CacheEntry } from '../spec/cache.js';
import type { TokenKind, TokenSet } from '../spec/tokens.js';
import {
  type AccountTarget,
  accountsBeside,
  checkLoginAccount,
  dropRejected,
  entryOfTarget,
  storeLogin,
  targetFor,
} from './accounts.js';
import { dpopHandle } from './dpop.js';
import { requireDpopBound } from './dpop-binding.js';
import { isFresh } from './freshness.js';
import { requestAdjustments } from './idp-context.js';
import { type LoginOverrides, login } from './login.js';
import { RefreshRejected, refreshTokens } from './refresh.js';
import type { AuthRuntime } from './runtime.js';
import { sessionEnded, sharedBrowserNotice } from './shared-browser.js';

export type ObtainMode = 'normal' | 'force-login';

/**
 * What a login for a named account adds to the request: the name as `login_hint` (unless the
 * options hint already), and — for an account other than the current one — `prompt=login`
 * (unless the options say a prompt), because the IdP's browser session is most likely the
 * current account's, and the IdP would log that user in again without asking.
 */
function accountParameters(runtime: AuthRuntime, target: AccountTarget): LoginOverrides {
  const { loginHint, prompt } = runtime.settings.loginRequest;
  if (target.requested === undefined) return {};
  const parameters: Record<string, string> = {};
  if (!loginHint) parameters.login_hint = target.requested;
  if (!target.current && !prompt) parameters.prompt = 'login';
  return { parameters };
}

/** What a caller asked `obtainTokens` for. */
export interface ObtainRequest {
  mode: ObtainMode;
  /** The token whose freshness decides: an ID token near expiry is renewed although the access token is not. */
  kind: TokenKind;
  /** False: never log in (no browser, no prompt); `NOT_LOGGED_IN` when a login would be needed. */
  allowLogin: boolean;
  /** The account a login makes current (`login()`), rather than only obtaining its token. */
  makeCurrent?: boolean;
}

function notLoggedIn(runtime: AuthRuntime, kind: TokenKind): OidcflowError {
  const what = kind === 'id' ? 'ID token' : 'access token';
  return new OidcflowError(
    ErrorCode.NOT_LOGGED_IN,
    `No usable ${what} is cached for client "${runtime.identity.clientId}" at ${runtime.identity.issuer}, and logging in is not allowed here. Log in first with the same settings (oidcflow login, or login()), then try again.`,
  );
}

/** The error for an ID token asked of a login that yields none. */
export function idTokenUnavailable(runtime: AuthRuntime): OidcflowError {
  if (runtime.settings.family === 'client') {
    return new OidcflowError(
      ErrorCode.ID_TOKEN_UNAVAILABLE,
      'The client credentials grant yields no ID token (there is no user). Use the access token instead (getAccessToken(), or --token-type access).',
    );
  }
  return new OidcflowError(
    ErrorCode.ID_TOKEN_UNAVAILABLE,
    `The IdP issued no ID token to client "${runtime.identity.clientId}" (scopes asked: ${runtime.identity.scopes.join(' ') || 'none'}). Ask for the openid scope, or use the access token instead.`,
  );
}

/**
 * One refresh of `entry`'s tokens with its cached metadata (and its DPoP key): the entry to
 * store, keeping the account, the list of the others and the key, and no longer marked
 * `laterSignIn` (the IdP just showed the session is alive). `RefreshRejected` on `invalid_grant`.
 */
export async function refreshEntry(runtime: AuthRuntime, entry: CacheEntry): Promise<CacheEntry> {
  const now = () => runtime.ports.clock.now();
  const { metadata } = await runtime.metadata(entry.metadata, now());
  const session = await runtime.openIdSession(metadata.document);
  const adjustments = requestAdjustments(runtime, metadata.document, entry.flow);
  // A refresh of DPoP-bound tokens proves possession of the same key (RFC 9449 §5).
  const dpop = entry.dpopKey ? await dpopHandle(session, entry.dpopKey) : undefined;
  const protocol = await runtime.protocolPort(session, entry.flow, dpop);
  const tokens = await refreshTokens(protocol, entry.tokens, adjustments.tokenParameters, now);
  // Bound tokens stay bound: a Bearer answer is refused, and the bound entry is kept.
  if (entry.dpopKey) requireDpopBound(tokens, { ...runtime.identity, step: 'refresh' });
  const { laterSignIn: _checked, ...kept } = entry;
  return { ...kept, tokens, metadata, savedAt: now() };
}

/**
 * The login's overrides for `target`, and the notice before a user's sign-in (in the browser,
 * or by a device code) while other accounts are cached for the settings (their IdP session may
 * end): `signedIn` tells afterwards whether a user signed in at the IdP.
 */
function loginOverrides(
  runtime: AuthRuntime,
  base: CacheEntry | undefined,
  target: AccountTarget,
): { overrides: LoginOverrides; signedIn: () => boolean } {
  let signedIn = false;
  const others = accountsBeside(base, target);
  const overrides: LoginOverrides = {
    ...accountParameters(runtime, target),
    beforeUserSignIn: (inBrowser) => {
      signedIn = true;
      if (others.length > 0)
        runtime.logger.warn(
          sharedBrowserNotice(target.requested, others, {
            inBrowser,
            openBrowser: runtime.settings.login.openBrowser,
          }),
        );
    },
  };
  return { overrides, signedIn: () => signedIn };
}

/**
 * Steps 3 and 4 of the token lifecycle, under the cache lock: re-read (another process may
 * have done the work), refresh with cached metadata in one round trip, else log in. Freshness
 * is judged on the token of `request.kind`; a refresh that leaves no fresh ID token (the IdP
 * sent none and the previous one has expired) goes on to a login when an ID token is asked for.
 */
export async function obtainTokens(runtime: AuthRuntime, request: ObtainRequest): Promise<TokenSet> {
  const { cache } = runtime;
  const { mode, kind } = request;
  const now = () => runtime.ports.clock.now();
  // One lock for all the accounts of these settings: the current one's entry lists the others.
  return runtime.withCacheLock(
    async () => {
      const base = await cache.get(runtime.key);
      const target = targetFor(runtime, base, runtime.settings.account);
      const { key } = target;
      // A forced login ignores the cached tokens but still uses the cached metadata.
      const entry = entryOfTarget(target, target.current ? base : await cache.get(key));
      const usable = mode === 'force-login' ? undefined : entry;
      if (usable && isFresh(usable, now(), kind)) return usable.tokens;
      if (usable?.tokens.refreshToken) {
        try {
          const refreshed = await refreshEntry(runtime, usable);
          await cache.set(key, refreshed);
          runtime.logger.debug('refreshed the access token');
          if (isFresh(refreshed, now(), kind)) return refreshed.tokens;
          runtime.logger.debug(
            'the refresh response carried no ID token and the cached one is about to expire; a login is needed for a new one',
          );
        } catch (error) {
          if (!(error instanceof RefreshRejected)) throw error;
          runtime.logger.debug('the refresh token was rejected (invalid_grant); logging in again');
          // Drop only the entry that failed: if it now holds another refresh token, another
          // process refreshed meanwhile (rotation), and its fresh entry must survive.
          const current = await cache.get(key);
          if (current?.tokens.refreshToken === usable.tokens.refreshToken)
            await dropRejected(runtime, target, current);
          else if (isUsableEntry(current) && isFresh(current, now(), kind)) return current.tokens;
        }
      }
      // Another user's sign-in in the same browser may have ended this account's session, and without a
      // refresh token nothing short of a login can tell: its tokens are not handed out again.
      const signIn = usable?.laterSignIn;
      if (signIn && !usable.tokens.refreshToken) await dropRejected(runtime, target, usable);
      if (!request.allowLogin) {
        const account = accountOfEntry(usable);
        throw signIn && account
          ? sessionEnded(account, signIn, Boolean(usable.tokens.refreshToken))
          : notLoggedIn(runtime, kind);
      }
      const { overrides, signedIn } = loginOverrides(runtime, await cache.get(runtime.key), target);
      const fresh = await login(
        runtime,
        entry?.metadata ?? base?.metadata,
        mode === 'force-login',
        overrides,
      );
      checkLoginAccount(target, fresh.account);
      await storeLogin(
        runtime,
        await cache.get(runtime.key),
        target,
        fresh,
        request.makeCurrent ?? false,
        signedIn(),
      );
      if (kind === 'id' && !fresh.tokens.idToken) throw idTokenUnavailable(runtime);
      return fresh.tokens;
    },
    runtime.settings.signal ? { signal: runtime.settings.signal } : undefined,
  );
}
