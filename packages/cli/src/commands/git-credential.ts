import type { TokenKind } from '@oidcflow/core';
import {
  formatCredentialAnswer,
  isAllowedHost,
  mayReceiveToken,
  readCredentialRequest,
} from '../git/credential-protocol.js';
import type { CommandContext } from '../io.js';
import { chosenToken } from '../output/token-formats.js';
import { createAuth, rememberTokens } from '../settings/create-auth.js';
import { UsageError } from '../usage-error.js';

const GIT_CREDENTIAL_ACTIONS = ['get', 'store', 'erase'] as const;
const DEFAULT_USERNAME = 'oauth2';

/**
 * `oidcflow git-credential <get|store|erase>`, git's credential helper. `get` answers the
 * username and a valid token as the password (logging in when needed: a browser, or a device
 * prompt on stderr, which git leaves on the terminal); `erase` — git saying the server refused
 * the credential — drops that token from the cache so the next `get` refreshes; `store` does
 * nothing (the token is cached already). Other actions are ignored, as git asks of helpers.
 * Only the hosts named with `--host` (OIDCFLOW_GIT_HOSTS) are answered: any other host git asks
 * about gets no output and exit 0, so a global helper never hands the token to a repository's
 * submodule or LFS host.
 */
export async function runGitCredential(context: CommandContext): Promise<number> {
  const action = context.operands[0];
  if (action === undefined) {
    throw new UsageError('git passes the action (get, store or erase) as the last argument; none was given.');
  }
  if (action === 'store' || !(GIT_CREDENTIAL_ACTIONS as readonly string[]).includes(action)) return 0;
  const request = await readCredentialRequest(context.stdin);
  if (request.password) context.secrets.add(request.password);
  const allowedHosts = context.settings.gitHosts ?? [];
  if (allowedHosts.length === 0) {
    // Said on stderr (git shows it), never on stdout: the helper is not set up yet.
    context.stderr.write(
      'oidcflow: git-credential answers only for the hosts you name, and none is named: add --host <your git host> ' +
        '(repeat it for several) to the helper command, or set OIDCFLOW_GIT_HOSTS.\n',
    );
    return 0;
  }
  // Another host (a submodule's, an lfs.url's): no answer, no word, as git expects of a helper
  // that has nothing for it; no cache read, no login, no request.
  if (!isAllowedHost(request, allowedHosts)) return 0;
  const { auth } = await createAuth(context);
  if (action === 'erase') {
    if (request.password) await auth.rejectToken(request.password);
    return 0;
  }
  if (!mayReceiveToken(request)) {
    context.stderr.write(
      `oidcflow: not sending a token to ${request.protocol ?? '?'}://${request.host ?? '?'}: only https (or http to this machine) gets one.\n`,
    );
    return 0;
  }
  const tokenType = (context.settings.tokenType as TokenKind | undefined) ?? 'access';
  const tokens = await auth.getTokens({ tokenType });
  rememberTokens(context, tokens);
  const { token, expiresAt } = chosenToken(tokens, tokenType);
  context.stdout.write(
    formatCredentialAnswer({
      username: context.settings.username ?? DEFAULT_USERNAME,
      password: token,
      // git 2.41+ drops the credential by itself after this; older versions ignore the line.
      password_expiry_utc: String(Math.floor(expiresAt / 1000)),
    }),
  );
  return 0;
}
