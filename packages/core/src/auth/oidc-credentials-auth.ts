import { DEFAULTS, type OidcCredentialsAuthOptions } from '../config/options.js';
import type { IdentitySourceReport } from '../workload/workload-identity.js';
import { type Attributes, AuthWithSettings } from './auth-with-settings.js';

/**
 * `flow`: `client_credentials`, or the third-party client flow given. `clientSecret`: the secret
 * as given (not the one read from the environment), else empty.
 */
const CLIENT_FALLBACKS = { flow: DEFAULTS.clientFlow, clientSecret: '' } as const;

/**
 * Headless login with the client credentials grant, for CI jobs and cron scripts. The
 * secret comes from `clientSecret`, else the `OIDCFLOW_CLIENT_SECRET` environment variable;
 * a private key for private_key_jwt from `privateKeyPath`, else `OIDCFLOW_PRIVATE_KEY_PATH`.
 * With `identitySource` (or `OIDCFLOW_IDENTITY_SOURCE`) no secret is needed: the platform's own
 * token (GitHub Actions, GitLab CI, Kubernetes, …) authenticates the client or is exchanged
 * (workload identity federation; see `identityUse`).
 *
 * @example
 * const auth = new OidcCredentialsAuth({ issuer: 'https://idp.example.com', clientId: 'ci-job' });
 * const token = await auth.getAccessToken();
 */
export interface OidcCredentialsAuth
  extends Attributes<keyof typeof CLIENT_FALLBACKS, typeof CLIENT_FALLBACKS> {}

export class OidcCredentialsAuth extends AuthWithSettings {
  static {
    AuthWithSettings.defineAttributes(OidcCredentialsAuth, ['flow', 'clientSecret'], CLIENT_FALLBACKS);
  }

  constructor(options: OidcCredentialsAuthOptions = {}) {
    super(options, 'client');
  }

  /**
   * With `identitySource`: which source a grant would read the platform token from here, and
   * why each other one was not found (for `status`). No request is made and no token is read.
   * Undefined without an identity source.
   */
  async describeIdentitySource(): Promise<IdentitySourceReport | undefined> {
    const { workload, issuer, plugins, env, ports } = await this.currentSettings();
    if (!workload) return undefined;
    const { WorkloadIdentity } = await import('../workload/workload-identity.js');
    return new WorkloadIdentity(workload, issuer ?? '', plugins, env, () =>
      ports.clock.now(),
    ).describeSource();
  }
}
