import { accountOfEntry } from '../cache/account-ref.js';
import { cacheKeyFor } from '../cache/cache-key.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { CacheEntry } from '../spec/cache.js';
import { checkLoginAccount, entryOfTarget, targetFor } from './accounts.js';
import { checkAuthentication } from './authentication-check.js';
import { isFresh } from './freshness.js';
import { login } from './login.js';
import type { AuthRuntime } from './runtime.js';

/** What an API asked of the login behind its token (RFC 9470 §3). */
export interface StepUpRequirement {
  acrValues?: readonly string[];
  maxAge?: number;
}

/** `acr_values "gold silver", max_age=0`: the requirement in the API's words, for messages. */
export function describeRequirement(requirement: StepUpRequirement): string {
  return [
    ...(requirement.acrValues ? [`acr_values "${requirement.acrValues.join(' ')}"`] : []),
    ...(requirement.maxAge !== undefined ? [`max_age=${requirement.maxAge}`] : []),
  ].join(', ');
}

/** Whether a kept stepped-up login still meets the requirement now (acr, and auth_time within max_age). */
function meets(entry: CacheEntry, requirement: StepUpRequirement, now: number): boolean {
  try {
    checkAuthentication(entry.tokens, requirement, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tokens of a login that meets `requirement` (RFC 9470 step-up): a kept stepped-up login while
 * fresh and still meeting it, else — only when `allowLogin` (a terminal, or `stepUp: 'login'`)
 * — one login with `acr_values` and `max_age`, its ID token checked against them and its user
 * against the current account's, kept under the settings' key with the requirement (the
 * ordinary tokens stay as they were).
 * Not allowed to log in: `STEP_UP_REQUIRED`, naming what the API asked for.
 */
export async function stepUp(
  runtime: AuthRuntime,
  requirement: StepUpRequirement,
  allowLogin: boolean,
  origin: string,
): Promise<CacheEntry> {
  const { cache } = runtime;
  const now = () => runtime.ports.clock.now();
  const words = describeRequirement(requirement);
  return runtime.withCacheLock(async () => {
    const base = await cache.get(runtime.key);
    const target = targetFor(runtime, base, runtime.settings.account);
    const known = target.expected ?? (target.current ? accountOfEntry(base) : undefined);
    const key = cacheKeyFor({ ...runtime.key, account: known?.sub, requirement: words });
    const kept = await cache.get(key);
    if (isUsableEntry(kept) && isFresh(kept, now()) && meets(kept, requirement, now())) return kept;
    // A login that already met it (oidcflow login --acr-values …) serves as well.
    const ordinary = entryOfTarget(target, target.current ? base : await cache.get(target.key));
    if (ordinary && isFresh(ordinary, now()) && meets(ordinary, requirement, now())) return ordinary;
    if (!allowLogin) {
      throw new OidcflowError(
        ErrorCode.STEP_UP_REQUIRED,
        `${origin} asks for a stronger login (${words}; RFC 9470 insufficient_user_authentication), and auth.fetch logs in by itself only at a terminal or with the option stepUp: 'login' (never with 'error'). Log in with those first — oidcflow login${requirement.acrValues ? ` --acr-values ${requirement.acrValues.join(',')}` : ''}${requirement.maxAge !== undefined ? ` --max-age ${requirement.maxAge}` : ''}, or login() with acrValues/maxAge — then call again.`,
      );
    }
    const parameters: Record<string, string> = {
      ...(requirement.acrValues ? { acr_values: requirement.acrValues.join(' ') } : {}),
      ...(requirement.maxAge !== undefined ? { max_age: String(requirement.maxAge) } : {}),
      // The same user, stronger: hinted to the IdP, and checked below.
      ...(known ? { login_hint: known.username ?? known.email ?? known.sub } : {}),
    };
    const fresh = await login(runtime, kept?.metadata ?? base?.metadata, false, {
      parameters,
      requirements: requirement,
    });
    if (known)
      checkLoginAccount({ key, current: false, expected: known, requested: known.sub }, fresh.account);
    await cache.set(key, fresh);
    return fresh;
  });
}
