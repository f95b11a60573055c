import type { IdpPlugin } from '@oidcflow/core';
import type { PageScript } from '../browser-bridge/page-script.js';
import { CellSkip } from '../matrix/cell.js';
import type { FirstPartyFlow } from '../matrix/subject.js';
import type { TestUser } from './test-user.js';
import type { WorkloadIdentitySupport } from './workload-identity.js';

/** The first-party flow names a target can offer (the names of matrix/subject.ts). */
export type FlowName = FirstPartyFlow;

/** A client registered at the target for one flow. */
export interface TargetClient {
  clientId: string;
  /** Confidential clients only (client credentials; a confidential device or web client). */
  clientSecret?: string;
  /** Scopes to ask for; a refresh token needs `offline_access` at some IdPs. */
  scopes: string[];
}

export type { TestUser } from './test-user.js';

/**
 * How the target puts an audience into the access token's `aud`:
 * - `resource`: RFC 8707 resource indicators (oidc-provider) — sent by an IdP plugin with
 *   `audienceParameter: 'resource'`;
 * - `audience`: the Auth0-style `audience` parameter;
 * - `mapper`: the IdP maps it itself (Keycloak's audience mapper), nothing extra is sent.
 */
export interface AudienceSupport {
  /** The value of the `audience` option. */
  audience: string;
  sentAs: 'resource' | 'audience' | 'mapper';
  /** What the access token's `aud` must then contain. */
  expectedAud: string;
  /** The IdP plugin that tells core how to send it (absent for `mapper`). */
  idpPlugin?: IdpPlugin;
  /** Extra scopes that trigger the mapping, if any. */
  scopes?: string[];
}

/**
 * Levels of authentication a client of the target logs in at (OIDC `acr`), the stronger one
 * behind a second factor: what the step-up scenario asks for with `acr_values`.
 */
export interface StepUpSupport {
  /** A browser client whose logins have levels (Keycloak: a flow with level-of-authentication conditions). */
  client: TargetClient;
  /** A user who can pass every level (a second factor: `oneTimeCode`). */
  user: TestUser;
  /** The `acr` of a login that asks for no level. */
  defaultAcr: string;
  /** A stronger `acr` the IdP grants only after the second factor. */
  strongerAcr: string;
  /** The audience the client's access tokens carry (what the scenario's API checks). */
  audience: string;
}

/** What a target's IdP can do, so scenarios it cannot run are reported as not applicable. */
export interface TargetCapabilities {
  flows: readonly FlowName[];
  /** Why the IdP cannot run a flow it lacks, in its own terms (the cells say this, not "no client"). */
  flowUnavailable?: Partial<Record<FlowName, string>>;
  /** A refresh returns a new refresh token and the old one stops working. */
  refreshTokenRotation: boolean;
  /** The metadata advertises a revocation endpoint. */
  revocation: boolean;
  /** A consent page is shown that the user can refuse, per flow. */
  consentDenial: Partial<Record<FlowName, boolean>>;
  audience?: AudienceSupport;
  /** Served over HTTPS with a CA the harness generated (`caCertPath`). */
  customCa: boolean;
  /** DPoP (RFC 9449) is enabled for the test clients (the dpop scenario). */
  dpop?: boolean;
  /** Why the device token responses cannot be scripted, when they cannot. */
  deviceScriptUnavailable?: string;
  /** Why the IdP's sign-in page does not show the user name `login_hint` names, when it does not. */
  loginHintUnavailable?: string;
  /**
   * Why the IdP cannot show a session that answers a login by itself, and `max_age=0` /
   * `prompt=login` asking again (a new authentication), when it cannot.
   */
  reauthenticationUnavailable?: string;
}

/**
 * What a complete authorization server offers the scenarios (Keycloak, Spring AS): every
 * first-party flow, rotating refresh tokens, revocation, a consent page the user can refuse in
 * both user flows, and the API's audience put into `aud` by the server itself (a mapper).
 */
export function completeServerCapabilities(
  api: string,
  rest: Pick<
    TargetCapabilities,
    'customCa' | 'dpop' | 'deviceScriptUnavailable' | 'loginHintUnavailable' | 'reauthenticationUnavailable'
  >,
): TargetCapabilities {
  return {
    flows: ['auth_code', 'device', 'client_credentials'],
    refreshTokenRotation: true,
    revocation: true,
    consentDenial: { auth_code: true, device: true },
    audience: { sentAs: 'mapper', audience: api, expectedAud: api },
    ...rest,
  };
}

/** One request the IdP received, as its own log saw it. */
export interface IdpRequest {
  method: string;
  path: string;
  grantType?: string;
  userAgent?: string;
  at: number;
}

/** The IdP's own request log (the embedded IdP has one; a real IdP does not). */
export interface IdpRequestLog {
  entries(): readonly IdpRequest[];
}

/** A token response the IdP will give instead of the real one, for the next device poll(s). */
export interface ScriptedTokenError {
  error: 'slow_down' | 'authorization_pending' | 'expired_token' | 'access_denied';
  /** How many polls get this answer. @default 1 */
  times?: number;
}

/** Scripted answers at the token endpoint (the embedded IdP only). */
export interface TokenScript {
  /** Queues answers for the device-code grant of `clientId`; real answers resume afterwards. */
  scriptDevicePolls(clientId: string, answers: readonly ScriptedTokenError[]): void;
  clear(): void;
}

/**
 * Device clients whose timing the IdP itself enforces. The scenarios reach them through a proxy
 * that rewrites the device authorization response (`expires_in`, `interval`), so the client
 * believes what the IdP does not: the IdP's own answers (`expired_token`, `slow_down`) follow.
 */
export interface DeviceTiming {
  /** Its device codes expire after `codeLifespanSeconds` (the IdP then answers `expired_token`). */
  expiringClient: TargetClient;
  codeLifespanSeconds: number;
  /** The IdP answers `slow_down` to a poll that comes less than `intervalSeconds` after the last one. */
  slowClient: TargetClient;
  intervalSeconds: number;
}

/** A target while it runs. */
export interface RunningTarget {
  name: string;
  issuer: string;
  clients: Partial<Record<FlowName, TargetClient>>;
  user: TestUser;
  /** A second user with their own login on the same pages, for the scenarios of several accounts. */
  otherUser?: TestUser;
  /** Login levels (`acr`) a client can step up between, for the step-up scenario. */
  stepUp?: StepUpSupport;
  /** The target's page script for the browser: login, consent, device verification. */
  pages: PageScript;
  capabilities: TargetCapabilities;
  /** PEM of the CA that signed the target's TLS certificate (HTTPS targets with a private CA). */
  caCertPath?: string;
  requestLog?: IdpRequestLog;
  tokenScript?: TokenScript;
  /**
   * The same IdP also served over HTTPS by a private CA, when `issuer` is plain HTTP (Keycloak
   * listens on both in one process): where the custom CA scenario runs.
   */
  tlsEndpoint?: { issuer: string; caCertPath: string };
  /** A real IdP's own device timing, for the device scenarios where polls cannot be scripted. */
  deviceTiming?: DeviceTiming;
  /** The CI identity issuer the target trusts and how it takes its tokens (the workload scenarios). */
  workloadIdentity?: WorkloadIdentitySupport;
  /** What the target is, for the report ("Keycloak 26.6.1, local distribution on Java 21"). */
  description: string;
  /**
   * Host names the browser may load while on this target's pages; anything else is blocked
   * (a local IdP must not make the run depend on the internet). Absent: nothing is blocked.
   */
  browserHosts?: readonly string[];
  stop(): Promise<void>;
}

/** An IdP the scenarios run against. `start()` throws `TargetUnavailable` when it cannot run here. */
export interface ConformanceTarget {
  name: string;
  /** One line for the report before the target started (or when it cannot). */
  description?: string;
  start(): Promise<RunningTarget>;
}

/** The target cannot run on this machine (no Keycloak, no env vars): its cells are skipped with the reason. */
export class TargetUnavailable extends CellSkip {
  override readonly name = 'TargetUnavailable';
}
