import { type CiIdentityIssuer, startCiIdentityIssuer } from '@oidcflow/test-idp';

/**
 * The three standard ways an IdP takes a workload's platform token (issue 25): as the client's
 * authentication (`client_assertion`, RFC 7523 §2.2), as an authorization grant (RFC 7523 §2.1,
 * `jwt-bearer`), or as the subject token of a token exchange (RFC 8693).
 */
export type WorkloadWay = 'client_assertion' | 'jwt_bearer' | 'token_exchange';

/**
 * The workloads every target trusts, by platform: the subjects of the CI identity issuer's
 * default GitHub Actions job, GitLab CI job and Kubernetes service account.
 */
export const TRUSTED_WORKLOADS = {
  github: 'repo:oidcflow-ci/demo:ref:refs/heads/main',
  gitlab: 'project_path:oidcflow-ci/demo:ref_type:branch:ref:main',
  kubernetes: 'system:serviceaccount:ci:oidcflow-runner',
} as const;

/** A CI platform whose workload identity the targets trust (github, gitlab, kubernetes). */
export type WorkloadPlatform = keyof typeof TRUSTED_WORKLOADS;

/** A subject of the same issuer that no target trusts (the wrong-subject cell). */
export const UNTRUSTED_SUBJECT = 'repo:oidcflow-ci/intruder:ref:refs/heads/main';

/** A client a workload uses: no secret, its platform token is its credential (a `TargetClient` fits). */
export interface WorkloadClient {
  clientId: string;
  scopes: string[];
}

/** The workload cells, by what they show; a target names those it cannot run. */
export type WorkloadCell =
  | 'github'
  | 'gitlab'
  | 'kubernetes'
  | 'wrong-audience'
  | 'expired'
  | 'wrong-subject'
  | 'rotated-file'
  | 'narrower-audience';

/**
 * How a target takes workload identity: the CI identity issuer it trusts (started with the
 * target, stopped by its `stop()`), the way, the audience a platform token must carry there,
 * and the client each workload uses.
 */
export interface WorkloadIdentitySupport {
  ciIssuer: CiIdentityIssuer;
  way: WorkloadWay;
  /** The `aud` the platform token must have for this IdP (Keycloak: the realm; Hydra: its token endpoint). */
  audience: string;
  /**
   * The API a workload asks the IdP's token for (the `audience` option), where the IdP then
   * issues a JWT that names the workload (oidc-provider: only for a resource).
   */
  apiAudience?: string;
  /**
   * The client of each workload: Keycloak binds a client to one subject, the others let one
   * public client (no secret) spend any trusted workload's token.
   */
  clients: Readonly<Record<WorkloadPlatform, WorkloadClient>>;
  /**
   * Where the IdP's (JWT) access token names the workload it was issued to, and what it says
   * for each one: `sub` = the platform subject, or `client_id` = the client bound to it.
   */
  identity: { claim: string; values: Readonly<Record<WorkloadPlatform, string>> };
  /**
   * A user's own access token exchanged for one with a narrower audience (RFC 8693): the user
   * client (auth code + PKCE) that logs in and exchanges, and the audience to narrow to.
   */
  narrowing?: { client: WorkloadClient; audience: string };
  /** Why a cell cannot run at this IdP, in its own terms. */
  unavailable?: Partial<Record<WorkloadCell, string>>;
}

/**
 * Starts the CI identity issuer a target will trust (127.0.0.1, a port from the OS), and stops
 * it again if `configure` (the IdP's side: an identity provider entry, a trust relationship, a
 * start option) fails.
 */
export async function withCiIssuer<T>(configure: (ciIssuer: CiIdentityIssuer) => Promise<T>): Promise<T> {
  const ciIssuer = await startCiIdentityIssuer();
  try {
    return await configure(ciIssuer);
  } catch (error) {
    await ciIssuer.stop().catch(() => {});
    throw error;
  }
}

/** The same client for every workload (one public client, no secret). */
export function oneClientForAll(
  clientId: string,
  scopes: string[] = [],
): Record<WorkloadPlatform, WorkloadClient> {
  const client: WorkloadClient = { clientId, scopes };
  return { github: client, gitlab: client, kubernetes: client };
}
