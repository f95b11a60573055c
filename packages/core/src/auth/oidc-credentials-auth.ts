import type { OidcCredentialsAuthOptions } from '../config/options.js';
import { AuthWithSettings } from './auth-with-settings.js';

/**
 * Headless login with the client credentials grant, for CI jobs and cron scripts. The
 * secret comes from `clientSecret`, else the `OIDCFLOW_CLIENT_SECRET` environment variable;
 * a private key for private_key_jwt from `privateKeyPath`, else `OIDCFLOW_PRIVATE_KEY_PATH`.
 *
 * @example
 * const auth = new OidcCredentialsAuth({ issuer: 'https://idp.example.com', clientId: 'ci-job' });
 * const token = await auth.getAccessToken();
 */
export class OidcCredentialsAuth extends AuthWithSettings {
  constructor(options: OidcCredentialsAuthOptions = {}) {
    const env = options.env ?? process.env;
    const flow = options.flow ?? 'client_credentials';
    super({ ...options, flow }, 'client', flow, {
      clientSecret: options.clientSecret || env.OIDCFLOW_CLIENT_SECRET || undefined,
      privateKeyPath: options.privateKeyPath || env.OIDCFLOW_PRIVATE_KEY_PATH || undefined,
    });
  }

  /** `client_credentials`, or the third-party client flow given. */
  get flow(): string {
    return this.options.flow ?? 'client_credentials';
  }
  /** The secret as given (not the one read from the environment). */
  get clientSecret(): string {
    return this.options.clientSecret ?? '';
  }
}
