import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { IdentitySourcePlugin } from '../spec/identity-source.js';
import type { OidcCredentialsAuthOptions } from './options.js';

/** How a platform token may be spent (see workload/identity-use.ts), or `auto`. */
export type IdentityUseSetting = NonNullable<OidcCredentialsAuthOptions['identityUse']>;

/** The flow (of @oidcflow/flow-credentials) that spends a platform token each way. */
export const FLOW_OF_USE: Readonly<Record<IdentityUseSetting, string>> = {
  auto: 'auto',
  client_assertion: 'client_credentials',
  jwt_bearer: 'jwt_bearer',
  token_exchange: 'token_exchange',
};

/** RFC 8693 §3: any JWT, what a platform token is. */
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** An `OidcCredentialsAuth`'s workload identity settings, the environment's where the options say nothing. */
export interface WorkloadSettings {
  /** `auto`, `name` or `name:argument`, or a plugin given as the option's value. */
  readonly source: string | IdentitySourcePlugin;
  /** The audience asked of the platform; absent: the issuer (known once the identity is resolved). */
  readonly audience: string | undefined;
  readonly use: IdentityUseSetting;
  readonly subjectTokenType: string;
  readonly requestedTokenType: string | undefined;
  readonly resources: readonly string[];
}

/**
 * `identitySource` (else OIDCFLOW_IDENTITY_SOURCE), `identityUse` (else OIDCFLOW_IDENTITY_USE,
 * else the way `flow` names, else auto), `identityAudience` (else OIDCFLOW_IDENTITY_AUDIENCE)
 * and `tokenExchange`; undefined without an identity source. No request, no module loaded.
 */
export function resolveWorkloadSettings(
  options: OidcCredentialsAuthOptions,
  env: NodeJS.ProcessEnv,
): WorkloadSettings | undefined {
  const source = options.identitySource || env.OIDCFLOW_IDENTITY_SOURCE || undefined;
  if (!source) return undefined;
  const use = options.identityUse ?? (env.OIDCFLOW_IDENTITY_USE || undefined);
  if (use !== undefined && !Object.hasOwn(FLOW_OF_USE, use)) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `identityUse "${use}" is not one of auto, client_assertion, jwt_bearer, token_exchange.`,
    );
  }
  const named = (Object.keys(FLOW_OF_USE) as IdentityUseSetting[]).find(
    (candidate) => candidate !== 'auto' && FLOW_OF_USE[candidate] === options.flow,
  );
  const exchange = options.tokenExchange ?? {};
  const resource = exchange.resource;
  return {
    source,
    audience: options.identityAudience || env.OIDCFLOW_IDENTITY_AUDIENCE || undefined,
    use: (use as IdentityUseSetting | undefined) ?? named ?? 'auto',
    subjectTokenType: exchange.subjectTokenType || JWT_TOKEN_TYPE,
    requestedTokenType: exchange.requestedTokenType || undefined,
    resources: resource === undefined ? [] : typeof resource === 'string' ? [resource] : [...resource],
  };
}
