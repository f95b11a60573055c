import type { CommandContext } from '../io.js';
import { formatTokens, type TokenOutput } from '../output/token-formats.js';
import { createAuth, rememberTokens } from '../settings/create-auth.js';

/**
 * `oidcflow token`: a valid access token on stdout, and nothing else there. The cache-hit path
 * loads core and the cache plugin only (core imports flows and openid-client on a miss).
 */
export async function runToken(context: CommandContext): Promise<number> {
  const output = (context.settings.output ?? 'token') as TokenOutput;
  const { auth } = await createAuth(context);
  context.progress(`Getting a token from ${context.settings.issuer ?? 'the IdP'}…`);
  const tokens = await auth.getTokens();
  context.progress('');
  rememberTokens(context, tokens);
  context.stdout.write(
    formatTokens(tokens, output, {
      now: Date.now(),
      includeRefreshToken: context.settings.includeRefreshToken ?? false,
    }),
  );
  return 0;
}
