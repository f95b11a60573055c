import type { CommandContext } from '../io.js';
import { describeExpiry, describeSubject } from '../output/describe.js';
import { createAuth, rememberTokens } from '../settings/create-auth.js';

/** `oidcflow login`: logs in now, whatever is cached, and says on stderr who and until when. */
export async function runLogin(context: CommandContext): Promise<number> {
  const { auth } = await createAuth(context);
  context.progress(`Logging in to ${context.settings.issuer ?? 'the IdP'}…`);
  const tokens = await auth.login();
  context.progress('');
  rememberTokens(context, tokens);
  const cached = await auth.getCachedTokens();
  const clientId = auth.clientId || context.settings.clientId || '';
  const { style } = context;
  const flow = cached ? ` with the ${cached.flow} flow` : '';
  context.stderr.write(
    `${style.green('Logged in')} as ${style.bold(describeSubject(tokens, clientId))}${flow}.\n` +
      `The access token expires ${describeExpiry(tokens.expiresAt, Date.now())}` +
      `${tokens.refreshToken ? '; a refresh token is cached' : ''}.\n`,
  );
  return 0;
}
