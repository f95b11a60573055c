import { DEFAULTS } from '../config/options.js';
import { AuthBase } from './auth-base.js';

/**
 * The settings `OidcAuth` and `OidcCredentialsAuth` both read back, written once. The getters
 * that differ between the two (flow, clientSecret, the interactive settings) stay in each class.
 */
export abstract class AuthWithSettings extends AuthBase {
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
}
