import type { OidcAuthOptions } from '../config/options.js';
import type { ResolvedIdentity } from '../config/resolve-identity.js';
import type { HttpClient } from '../http/http-client.js';
import type { FlowPorts } from '../ports/flow-ports.js';
import type { Logger } from '../ports/logger.js';
import type { OpenIdSession } from '../protocol/openid-session.js';
import type { Registry } from '../registry/registry.js';
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
  /**
   * Made on first use and kept for the instance's life, so later refreshes and logins reuse
   * the connection (and its TLS session). Idle sockets do not keep the process alive.
   */
  http?: Promise<HttpClient>;
  registry?: Promise<Registry>;
  /** The openid-client session for the metadata it was made from. */
  session?: { metadataJson: string; session: Promise<OpenIdSession> };
}
