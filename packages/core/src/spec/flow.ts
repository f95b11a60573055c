import type { FlowFamily } from './cache.js';
import type { ServerMetadata } from './metadata.js';
import type { FlowPorts, Logger } from './ports.js';
import type { ProtocolPort } from './protocol.js';
import type { TokenSet } from './tokens.js';
import type { SpecificationVersion } from './version.js';

/** Facts about where we run, used to choose between browser and device flows. */
export interface EnvironmentFacts {
  /** A browser can be shown to the user (a display, not an SSH session, not CI — or `BROWSER` set). */
  browserAvailable: boolean;
  /** Why `browserAvailable` is what it is, in a few words ("no DISPLAY", "CI is set", …). */
  browserReason: string;
  /** stderr is a terminal. */
  interactive: boolean;
}

/** What `supports()` sees: enough to decide, nothing that costs a request. */
export interface FlowSupportContext {
  metadata: ServerMetadata;
  environment: EnvironmentFacts;
  hasClientSecret: boolean;
  /** A private key for private_key_jwt was given (`privateKeyPath`). */
  hasPrivateKey: boolean;
  /** The flow the caller asked for (`auto` or a name). */
  requestedFlow: string;
}

export type FlowSupport = { supported: true; reason: string } | { supported: false; reason: string };

/** Settings of the interactive flows, resolved with their defaults (the spec's attributes). */
export interface LoginSettings {
  forceLogin: boolean;
  openBrowser: boolean;
  redirectUri?: string;
  callbackHost: string;
  callbackPort: number;
  callbackTimeoutSeconds: number;
  pkce: boolean;
  /** Opt-in for a `callbackHost` that is not a loopback address. */
  allowNonLoopbackCallback: boolean;
}

/** Extra parameters, merged from the audience setting and any matching IdP plugins. */
export interface RequestAdjustments {
  /** Added to the authorization request (auth_code) or the device authorization request. */
  authorizationParameters: Record<string, string | string[]>;
  /** Added to every token request of a grant (code exchange, device poll, client credentials). */
  tokenParameters: Record<string, string | string[]>;
}

/**
 * A workload's platform token (a CI job's OIDC token, a pod's service account token), for the
 * flows that spend it as a grant: `jwt_bearer` (RFC 7523 §2.1) and `token_exchange` (RFC 8693).
 */
export interface WorkloadIdentityPort {
  /**
   * Reads the platform token now, from the configured identity source, checked to be a JWT
   * that has not expired. Send it in one request; never keep, log or print it.
   */
  read(): Promise<string>;
  /** RFC 8693 settings: `subject_token_type`, `requested_token_type`, `resource`s. */
  readonly tokenExchange: {
    subjectTokenType: string;
    requestedTokenType?: string;
    resources: readonly string[];
  };
}

/** Everything a flow needs to run. Built by core; a flow never reads options or env itself. */
export interface FlowRunContext {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /**
   * How the protocol port authenticates the client at the token endpoint (`none`: a public
   * client; `workload_assertion`: the platform token as `client_assertion`).
   */
  clientAuthMethod:
    | 'none'
    | 'client_secret_basic'
    | 'client_secret_post'
    | 'private_key_jwt'
    | 'workload_assertion';
  scopes: readonly string[];
  audience?: string;
  metadata: ServerMetadata;
  settings: LoginSettings;
  adjustments: RequestAdjustments;
  environment: EnvironmentFacts;
  /**
   * Every request to the IdP: authorization URL, code exchange, device authorization and
   * polling, any grant, refresh, ID token validation. Core implements it (on openid-client);
   * a flow imports no OAuth library itself.
   */
  protocol: ProtocolPort;
  ports: FlowPorts;
  log: Logger;
  signal?: AbortSignal;
  /** Set when an identity source is configured (`identitySource`): the platform token. */
  workloadIdentity?: WorkloadIdentityPort;
}

/**
 * A flow plugin: one way to obtain tokens. `run` returns tokens or throws `OidcflowError`
 * (`LOGIN_DENIED`, `LOGIN_TIMEOUT`, `LOGIN_ABORTED`, `TOKEN_REQUEST_FAILED`, …).
 */
export interface FlowPlugin {
  readonly kind: 'flow';
  readonly specificationVersion: SpecificationVersion;
  /** `auth_code`, `device`, `client_credentials`, or a third party's name. */
  readonly name: string;
  /**
   * Needs a browser on this machine (auth_code does; device does not). `auto` passes over such
   * a flow when the environment shows no browser, and explain() says so.
   */
  readonly needsBrowser: boolean;
  /** Tokens of user flows and client flows are cached apart. */
  readonly family: FlowFamily;
  /** Among flows that support the context, `auto` picks the highest priority. */
  readonly priority: number;
  supports(context: FlowSupportContext): FlowSupport;
  run(context: FlowRunContext): Promise<TokenSet>;
}
