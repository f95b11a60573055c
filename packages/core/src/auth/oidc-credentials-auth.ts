import type { OidcCredentialsAuthOptions } from '../config/options.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { type Attributes, AuthWithSettings } from './auth-with-settings.js';

/**
 * `flow`: `client_credentials`, or the third-party client flow given. `clientSecret`: the secret
 * as given (not the one read from the environment), else empty.
 */
const CLIENT_FALLBACKS = { flow: 'client_credentials', clientSecret: '' } as const;

type IdentityUseOption = NonNullable<OidcCredentialsAuthOptions['identityUse']>;
/** The flow (of @oidcflow/flow-credentials) that spends a platform token each way. */
const FLOW_OF_USE: Readonly<Record<IdentityUseOption, string>> = {
  auto: 'auto',
  client_assertion: 'client_credentials',
  jwt_bearer: 'jwt_bearer',
  token_exchange: 'token_exchange',
};

/** The workload identity options, the environment's where the options say nothing. */
function workloadOptions(
  options: OidcCredentialsAuthOptions,
  env: NodeJS.ProcessEnv,
): OidcCredentialsAuthOptions {
  const identitySource = options.identitySource || env.OIDCFLOW_IDENTITY_SOURCE || undefined;
  if (!identitySource) return {};
  const use = options.identityUse ?? (env.OIDCFLOW_IDENTITY_USE || undefined);
  if (use !== undefined && !Object.hasOwn(FLOW_OF_USE, use)) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `identityUse "${use}" is not one of auto, client_assertion, jwt_bearer, token_exchange.`,
    );
  }
  const identityAudience = options.identityAudience || env.OIDCFLOW_IDENTITY_AUDIENCE || undefined;
  return {
    identitySource,
    ...(use ? { identityUse: use as IdentityUseOption } : {}),
    ...(identityAudience ? { identityAudience } : {}),
  };
}

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
    const env = options.env ?? process.env;
    const workload = workloadOptions(options, env);
    const flow =
      options.flow ??
      (workload.identitySource ? FLOW_OF_USE[workload.identityUse ?? 'auto'] : CLIENT_FALLBACKS.flow);
    super({ ...options, ...workload, flow }, 'client', flow, {
      clientSecret: options.clientSecret || env.OIDCFLOW_CLIENT_SECRET || undefined,
      privateKeyPath: options.privateKeyPath || env.OIDCFLOW_PRIVATE_KEY_PATH || undefined,
    });
  }
}
