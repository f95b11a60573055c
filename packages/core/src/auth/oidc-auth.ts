import { DEFAULTS, type OidcAuthOptions } from '../config/options.js';
import { type Attributes, AuthWithSettings } from './auth-with-settings.js';

/** The interactive attributes, read back from the options (`DEFAULTS` where not given). */
const INTERACTIVE_ATTRIBUTES = [
  'flow',
  'forceLogin',
  'openBrowser',
  'authorizationEndpoint',
  'redirectUri',
  'callbackHost',
  'callbackPort',
  'callbackTimeoutSeconds',
  'pkce',
  'clientSecret',
] as const;

/**
 * Interactive OIDC login for a CLI or SDK: answers from the cache, refreshes, or runs the
 * browser (auth_code) or device flow — whichever `flow` says, or `auto` picks.
 *
 * @example
 * const auth = new OidcAuth({ issuer: 'https://idp.example.com', clientId: 'my-cli' });
 * const token = await auth.getAccessToken();
 */
export interface OidcAuth extends Attributes<(typeof INTERACTIVE_ATTRIBUTES)[number], typeof DEFAULTS> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above only types the getters that defineAttributes puts on the prototype.
export class OidcAuth extends AuthWithSettings {
  static {
    AuthWithSettings.defineAttributes(OidcAuth, INTERACTIVE_ATTRIBUTES, DEFAULTS);
  }

  constructor(options: OidcAuthOptions = {}) {
    super(options, 'user');
  }
}
