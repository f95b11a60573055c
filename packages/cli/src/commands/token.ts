import type { TokenKind } from '@oidcflow/core';
import type { CommandContext } from '../io.js';
import { type ExecInfo, readExecInfo } from '../kubernetes/exec-info.js';
import { formatTokens, type TokenOutput } from '../output/token-formats.js';
import { createAuth, rememberTokens } from '../settings/create-auth.js';

/**
 * The token printed when `--token-type` is not given: the access token, except for kubectl
 * (`exec-credential`) after a user login, where it is the ID token — what Kubernetes' OIDC
 * authenticator takes (a JWT whose `aud` is the client id). Client credentials have no ID token.
 */
export function defaultTokenType(output: TokenOutput, family: 'user' | 'client'): TokenKind {
  return output === 'exec-credential' && family === 'user' ? 'id' : 'access';
}

/**
 * `oidcflow token`: a valid token on stdout, and nothing else there. The cache-hit path
 * loads core and the cache plugin only (core imports flows and openid-client on a miss). As a
 * kubectl exec plugin it answers in the version kubectl asked for and, when kubectl says the
 * call is not interactive, never opens a browser or prompts (NOT_LOGGED_IN, exit 3, instead).
 */
export async function runToken(context: CommandContext): Promise<number> {
  const output = (context.settings.output ?? 'token') as TokenOutput;
  const execInfo: ExecInfo | undefined = output === 'exec-credential' ? readExecInfo(context.env) : undefined;
  const { auth, family } = await createAuth(context);
  const tokenType = (context.settings.tokenType as TokenKind | undefined) ?? defaultTokenType(output, family);
  // A client credentials grant never prompts, so it may run in a non-interactive call too.
  const allowLogin = family === 'client' || (execInfo?.interactive ?? true);
  context.progress(`Getting a token from ${context.settings.issuer ?? 'the IdP'}…`);
  const tokens = await auth.getTokens({ tokenType, allowLogin });
  context.progress('');
  rememberTokens(context, tokens);
  context.stdout.write(
    formatTokens(tokens, output, {
      now: Date.now(),
      includeRefreshToken: context.settings.includeRefreshToken ?? false,
      tokenType,
      ...(execInfo ? { execApiVersion: execInfo.apiVersion } : {}),
    }),
  );
  return 0;
}
