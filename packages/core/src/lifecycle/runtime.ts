import type { OidcAuthOptions } from '../config/options.js';
import type { ResolvedIdentity } from '../config/resolve-identity.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { Logger } from '../ports/logger.js';
import type { CacheKey, CachePlugin, FlowFamily } from '../spec/cache.js';

/** What the lifecycle needs of one `OidcAuth`/`OidcCredentialsAuth`, resolved once. */
export interface AuthRuntime {
  options: OidcAuthOptions;
  family: FlowFamily;
  /** The flow to use: the option for OidcAuth, `client_credentials` for OidcCredentialsAuth. */
  requestedFlow: string;
  identity: ResolvedIdentity;
  clientSecret?: string;
  /** Path of the private_key_jwt key, from the option or OIDCFLOW_PRIVATE_KEY_PATH. */
  privateKeyPath?: string;
  key: CacheKey;
  cache: CachePlugin;
  env: NodeJS.ProcessEnv;
  home: string;
  logger: Logger;
  ports: FlowPorts;
}
