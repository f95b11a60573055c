import { DEFAULTS, type OidcAuthOptions } from '../config/options.js';
import { AuthWithSettings } from './auth-with-settings.js';

/**
 * Interactive OIDC login for a CLI or SDK: answers from the cache, refreshes, or runs the
 * browser (auth_code) or device flow — whichever `flow` says, or `auto` picks.
 *
 * @example
 * const auth = new OidcAuth({ issuer: 'https://idp.example.com', clientId: 'my-cli' });
 * const token = await auth.getAccessToken();
 */
export class OidcAuth extends AuthWithSettings {
  constructor(options: OidcAuthOptions = {}) {
    super(options, 'user', options.flow ?? DEFAULTS.flow, {
      clientSecret: options.clientSecret,
      privateKeyPath: options.privateKeyPath,
    });
  }

  get flow(): string {
    return this.options.flow ?? DEFAULTS.flow;
  }
  get forceLogin(): boolean {
    return this.options.forceLogin ?? DEFAULTS.forceLogin;
  }
  get openBrowser(): boolean {
    return this.options.openBrowser ?? DEFAULTS.openBrowser;
  }
  get authorizationEndpoint(): string | undefined {
    return this.options.authorizationEndpoint;
  }
  get redirectUri(): string | undefined {
    return this.options.redirectUri;
  }
  get callbackHost(): string {
    return this.options.callbackHost ?? DEFAULTS.callbackHost;
  }
  get callbackPort(): number {
    return this.options.callbackPort ?? DEFAULTS.callbackPort;
  }
  get callbackTimeoutSeconds(): number {
    return this.options.callbackTimeoutSeconds ?? DEFAULTS.callbackTimeoutSeconds;
  }
  get pkce(): boolean {
    return this.options.pkce ?? DEFAULTS.pkce;
  }
  get clientSecret(): string | undefined {
    return this.options.clientSecret;
  }
}
