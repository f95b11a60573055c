import type { CommandContext } from '../io.js';
import { createAuth } from '../settings/create-auth.js';
import { familiesFor } from './families.js';

/**
 * `oidcflow logout`: removes the cached entries of the current settings and revokes their
 * tokens where the IdP advertises revocation. Succeeds when nothing was cached (idempotent).
 */
export async function runLogout(context: CommandContext): Promise<number> {
  const lines: string[] = [];
  for (const family of familiesFor(context)) {
    const { auth } = await createAuth(context, family);
    // Skip families with nothing cached: a client entry's revocation would need its secret.
    if (!(await auth.getCachedTokens())) continue;
    const result = await auth.logout();
    if (!result.removed) continue;
    const what = family === 'client' ? 'client credentials token' : 'tokens';
    lines.push(
      `Logged out: removed the cached ${what}${result.revoked ? ' and revoked them at the IdP' : ''}.`,
    );
  }
  if (lines.length === 0) lines.push('Nothing to log out: no tokens are cached for these settings.');
  context.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}
