import { type AccountStatus, OidcAuth, terminalText } from '@oidcflow/core';
import type { CommandContext } from '../io.js';
import { describeExpiry } from '../output/describe.js';
import { jsonForTerminal } from '../output/terminal-json.js';
import { createAuth } from '../settings/create-auth.js';
import { UsageError } from '../usage-error.js';

const label = (account: AccountStatus) => terminalText(account.username ?? account.email ?? account.sub);

function expiry(account: AccountStatus, now: number): string {
  if (account.expiresAt === undefined) return 'a login is needed';
  if (account.expiresAt > now) return `valid, expires ${describeExpiry(account.expiresAt, now)}`;
  return account.refreshable ? 'expired, refreshable' : 'expired, a login is needed';
}

function state(account: AccountStatus, now: number): string {
  const later = account.laterSignIn?.account;
  // Its IdP session may have ended: `accounts use` checks it with a refresh first.
  const check = later
    ? `; ${terminalText(later.username ?? later.email ?? later.sub)} signed in after it, which may have ended its IdP session: checked with a refresh before use`
    : '';
  return `${expiry(account, now)}${check}`;
}

function renderText(accounts: AccountStatus[], context: CommandContext, now: number): string {
  if (accounts.length === 0) {
    return 'No account is logged in with these settings. Run `oidcflow login` (same options) to log one in.\n';
  }
  const lines = accounts.map((account) => {
    const mark = account.current ? context.style.green('*') : ' ';
    const email =
      account.email && account.email !== account.username ? ` <${terminalText(account.email)}>` : '';
    return `${mark} ${context.style.bold(label(account))}${email}  sub ${terminalText(account.sub)}  ${state(account, now)}`;
  });
  return `${lines.join('\n')}\n(* current: what kubectl, git and commands without --account get)\n`;
}

/**
 * `oidcflow accounts`: the users logged in with the current settings, the current one first;
 * `oidcflow accounts use NAME`: makes NAME current. Neither makes a request.
 */
export async function runAccounts(context: CommandContext): Promise<number> {
  const [action, name, ...extra] = context.operands;
  const { auth } = await createAuth(context, 'user');
  if (!(auth instanceof OidcAuth))
    throw new UsageError('accounts are for user logins, not client credentials.');
  if (action === undefined) {
    const accounts = await auth.accounts();
    if (context.settings.output === 'json') context.stdout.write(`${jsonForTerminal({ accounts })}\n`);
    else context.stdout.write(renderText(accounts, context, Date.now()));
    return 0;
  }
  if (action !== 'use' || name === undefined || extra.length > 0) {
    throw new UsageError('use `oidcflow accounts` to list, or `oidcflow accounts use NAME` to switch.');
  }
  const account = await auth.useAccount(name);
  context.stderr.write(
    `Switched: ${context.style.bold(terminalText(account.username ?? account.email ?? account.sub))} is the current account for these settings.\n`,
  );
  return 0;
}
