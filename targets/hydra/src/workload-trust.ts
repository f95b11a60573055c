import {
  oneClientForAll,
  TRUSTED_WORKLOADS,
  type WorkloadIdentitySupport,
  withCiIssuer,
} from '@oidcflow/conformance/targets';
import type { HydraAdmin } from './admin-api.js';
import { HYDRA_VERSION } from './version.js';

/** The scope a workload may ask for through its trust relationship. */
const WORKLOAD_SCOPE = 'api.read';

/** How long the trust relationships last: longer than any run. */
const TRUST_HOURS = 24;

/**
 * Starts a CI identity issuer and makes Hydra trust it for the JWT bearer grant (RFC 7523
 * §2.1) through the admin API: one trust relationship per trusted workload subject and signing
 * key (Hydra takes the key itself, not a JWKS URL), and a public client (no secret) allowed
 * the grant. Hydra wants its token endpoint URL in the assertion's `aud`, refuses a `jti` it
 * has seen (each grant needs a fresh platform token) and names the platform subject in `sub`.
 */
export function trustCiIssuer(
  admin: HydraAdmin,
  tokenEndpoint: string,
  audience: readonly string[],
): Promise<WorkloadIdentitySupport> {
  return withCiIssuer(async (ciIssuer) => {
    const expiresAt = new Date(Date.now() + TRUST_HOURS * 3_600_000).toISOString();
    for (const subject of Object.values(TRUSTED_WORKLOADS)) {
      for (const jwk of ciIssuer.jwks.keys) {
        await admin.trustJwtGrantIssuer({
          issuer: ciIssuer.issuer,
          subject,
          scope: [WORKLOAD_SCOPE],
          jwk,
          expires_at: expiresAt,
        });
      }
    }
    const client = await admin.createClient({
      client_name: 'oidcflow workload (JWT bearer grant, public)',
      grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      response_types: [],
      scope: WORKLOAD_SCOPE,
      audience: [...audience],
      token_endpoint_auth_method: 'none',
    });
    return {
      ciIssuer,
      way: 'jwt_bearer',
      audience: tokenEndpoint,
      ...(audience[0] ? { apiAudience: audience[0] } : {}),
      clients: oneClientForAll(client.client_id),
      identity: { claim: 'sub', values: TRUSTED_WORKLOADS },
      unavailable: { 'narrower-audience': `Hydra ${HYDRA_VERSION} has no token exchange grant (RFC 8693)` },
    } satisfies WorkloadIdentitySupport;
  });
}
