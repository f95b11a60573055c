import { toOidcflowError } from '../protocol/oauth-errors.js';
import type { AccountRef } from '../spec/cache.js';
import { removeAccount } from './accounts.js';
import type { AuthRuntime } from './runtime.js';

/** What `logout()` did: whether tokens were removed and revoked, whose, and who is current now. */
export interface LogoutResult {
  removed: boolean;
  revoked: boolean;
  /** The account logged out, when the tokens had one. */
  account?: AccountRef;
  /** The account that became current in its place. */
  nowCurrent?: AccountRef;
}

/**
 * Drops the entry of the account `runtime.settings.account` (else the current one) and
 * revokes its tokens where the IdP advertises revocation. The other accounts stay.
 */
export async function logout(runtime: AuthRuntime): Promise<LogoutResult> {
  return runtime.withCacheLock(async () => {
    const { entry, account, nowCurrent } = await removeAccount(runtime, runtime.settings.account);
    const who = { ...(account ? { account } : {}), ...(nowCurrent ? { nowCurrent } : {}) };
    if (!entry) return { removed: account !== undefined, revoked: false, ...who };
    const revocationEndpoint = entry.metadata?.document.revocation_endpoint;
    if (!revocationEndpoint) return { removed: true, revoked: false, ...who };
    // A bad caCertPath fails the logout, as any other request would, not just the revocation.
    await runtime.http();
    try {
      const session = await runtime.openIdSession(entry.metadata!.document);
      const protocol = await runtime.protocolPort(session, entry.flow);
      const { refreshToken, accessToken } = entry.tokens;
      await (refreshToken
        ? protocol.revoke(refreshToken, 'refresh_token')
        : protocol.revoke(accessToken, 'access_token'));
      return { removed: true, revoked: true, ...who };
    } catch (error) {
      // The IdP's words (`invalid_client: …`) are what tells the user what went wrong.
      const failure = toOidcflowError(error, 'revoke the tokens');
      const said = failure instanceof Error ? failure.message : String(failure);
      runtime.logger.warn(
        `the tokens were removed from the cache, but revoking them at the IdP failed: ${said} They stay valid until they expire.`,
      );
      return { removed: true, revoked: false, ...who };
    }
  });
}
