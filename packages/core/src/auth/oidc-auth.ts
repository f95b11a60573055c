import { DEFAULTS, type OidcAuthOptions } from '../config/options.js';
import { AuthBase } from './auth-base.js';

/**
 * Interactive OIDC login for a CLI or SDK: answers from the cache, refreshes, or runs the
 * browser (auth_code) or device flow — whichever `flow` says, or `auto` picks.
 *
 * @example
 * const auth = new OidcAuth({ issuer: 'https://idp.example.com', clientId: 'my-cli' });
 * const token = await auth.getAccessToken();
 */
export class OidcAuth extends AuthBase {
  constructor(options: OidcAuthOptions = {}) {
    super(options, 'user', options.flow ?? DEFAULTS.flow, {
      clientSecret: options.clientSecret,
      privateKeyPath: options.privateKeyPath,
    });
  }

  get issuer(): string {
    return this.options.issuer ?? '';
  }
  get clientId(): string {
    return this.options.clientId ?? '';
  }
  get scopes(): readonly string[] | undefined {
    return this.options.scopes;
  }
  get audience(): string | undefined {
    return this.options.audience;
  }
  get useServerAudience(): boolean {
    return this.options.useServerAudience ?? DEFAULTS.useServerAudience;
  }
  get caCertPath(): string | undefined {
    return this.options.caCertPath;
  }
  get cachePath(): string | undefined {
    return this.options.cachePath;
  }
  get tokenEndpoint(): string | undefined {
    return this.options.tokenEndpoint;
  }
  get deviceAuthorizationEndpoint(): string | undefined {
    return this.options.deviceAuthorizationEndpoint;
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
