import { OidcAuth, terminalText } from '@oidcflow/core';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { idTokenClaims } from '../output/describe.js';
import { jsonForTerminal } from '../output/terminal-json.js';
import { createAuth } from '../settings/create-auth.js';

/** Claims shown as times: seconds since 1970, read as dates. */
const TIME_CLAIMS = new Set(['exp', 'iat', 'auth_time', 'nbf', 'updated_at']);

function claimText(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')})`;
  }
  return terminalText(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * `oidcflow whoami`: the account the current settings use (the current one, or --account) and
 * the claims of its ID token, read from the cache without any request. Never a token: the ID
 * token's claims are what it says about the user, not the token itself. Exit 3 when nobody is
 * logged in.
 */
export async function runWhoami(context: CommandContext): Promise<number> {
  const { auth } = await createAuth(context, 'user');
  const cached = await auth.getCachedTokens();
  if (!cached) {
    context.stderr.write('Not logged in with these settings. Run `oidcflow login` (same options).\n');
    return ExitCode.NOT_LOGGED_IN;
  }
  const claims = idTokenClaims(cached.tokens) ?? {};
  const account = cached.account;
  const accounts = auth instanceof OidcAuth ? await auth.accounts() : [];
  const current = accounts.find((entry) => entry.current)?.sub === account?.sub;
  if (context.settings.output === 'json') {
    context.stdout.write(
      `${jsonForTerminal({ account: account ?? null, current, issuer: cached.issuer, clientId: cached.clientId, claims })}\n`,
    );
    return 0;
  }
  const name = account
    ? terminalText(account.username ?? account.email ?? account.sub)
    : '(no ID token: the user is not known)';
  const lines = [
    `${context.style.bold(name)}${account && current ? ' (current account)' : ''} at ${terminalText(cached.issuer)}, client ${terminalText(cached.clientId)}`,
    ...Object.entries(claims).map(([claim, value]) => `  ${claim}: ${claimText(claim, value)}`),
  ];
  context.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
