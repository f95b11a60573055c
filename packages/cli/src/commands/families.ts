import type { CommandContext } from '../io.js';
import { wantsClientCredentials } from '../settings/create-auth.js';

/**
 * Which cache entries a command about "the current settings" looks at. User logins and
 * client credentials are cached apart; without `--flow` both belong to these settings.
 */
export function familiesFor(context: CommandContext): Array<'user' | 'client'> {
  if (wantsClientCredentials(context.settings)) return ['client'];
  const flow = context.settings.flow;
  return flow === undefined || flow === 'auto' ? ['user', 'client'] : ['user'];
}
