import { type AccountRef, terminalText } from '@oidcflow/core';
import type { CommandContext } from '../io.js';
import { createAuth } from '../settings/create-auth.js';
import { familiesFor } from './families.js';

const accountName = (account: AccountRef) => account.username ?? account.email ?? account.sub;

/**
 * `oidcflow logout`: removes the cached entries of the current settings and revokes their
 * tokens where the IdP advertises revocation. Succeeds when nothing was cached (idempotent).
 */
export async function runLogout(context: CommandContext): Promise<number> {
  const lines: string[] = [];
  for (const family of familiesFor(context)) {
    const { auth } = await createAuth(context, family);
    // Skip families with nothing cached: a client entry's revocation would need its secret.
    // (An --account names a user: it is looked for, and reported when unknown, by logout().)
    if (!(family === 'user' && context.settings.account) && !(await auth.getCachedTokens())) continue;
    const result = await auth.logout();
    if (!result.removed) continue;
    const what = family === 'client' ? 'client credentials token' : 'tokens';
    const whose = result.account ? ` of ${terminalText(accountName(result.account))}` : '';
    lines.push(
      `Logged out: removed the cached ${what}${whose}${result.revoked ? ' and revoked them at the IdP' : ''}.`,
    );
    if (result.nowCurrent) {
      lines.push(`${terminalText(accountName(result.nowCurrent))} is now the current account.`);
    }
  }
  if (lines.length === 0) lines.push('Nothing to log out: no tokens are cached for these settings.');
  context.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}
