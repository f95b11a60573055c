import { REALM_NAME } from './version.js';

export interface AdminCredentials {
  username: string;
  password: string;
}

/**
 * The little of Keycloak's admin REST API the target needs, as the bootstrap admin of the
 * master realm (credentials generated for the run).
 */
export function keycloakAdmin(baseUrl: string, credentials: AdminCredentials) {
  const adminToken = async (): Promise<string> => {
    const response = await fetch(`${baseUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: credentials.username,
        password: credentials.password,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw new Error(`Keycloak refused the bootstrap admin's sign-in (HTTP ${response.status})`);
    const body = (await response.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('Keycloak gave the admin no access token');
    return body.access_token;
  };

  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${baseUrl}/admin/realms/${REALM_NAME}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });

  /** The body of an answer, or an error naming `what` failed when Keycloak refused it, with its reason. */
  const accepted = async (response: Response, what: string): Promise<string> => {
    const text = await response.text();
    // Keycloak's error bodies name the field at fault, never a secret of ours.
    if (!response.ok)
      throw new Error(`the admin API ${what} (HTTP ${response.status}: ${text.slice(0, 300)})`);
    return text;
  };

  return {
    /**
     * One admin token for a series of calls under the realm's admin API. Each call throws on an
     * error answer (naming the call and Keycloak's reason) and gives the Location of what it
     * created (where Keycloak puts the new id) and the JSON body, if any.
     */
    async session(): Promise<AdminCall> {
      const token = await adminToken();
      return async (method, path, body) => {
        const response = await call(token, method, path, body);
        const text = await accepted(response, `refused ${method} ${path}`);
        const location = response.headers.get('location');
        return {
          ...(location ? { location } : {}),
          ...(text ? { body: JSON.parse(text) as unknown } : {}),
        };
      };
    },
    /**
     * Creates the realm's identity provider `provider.alias`, or replaces the one of that alias
     * (a second borrower of a shared Keycloak trusts its own CI issuer).
     */
    async saveIdentityProvider(provider: { alias: string } & Record<string, unknown>): Promise<void> {
      const token = await adminToken();
      const path = `/identity-provider/instances/${encodeURIComponent(provider.alias)}`;
      const existing = await call(token, 'GET', path);
      await existing.body?.cancel();
      const saved = existing.ok
        ? await call(token, 'PUT', path, provider)
        : await call(token, 'POST', '/identity-provider/instances', provider);
      await accepted(saved, `did not save the identity provider ${provider.alias}`);
    },
    /**
     * Forgets the consents `username` gave, so the next login shows the consent page again
     * (Keycloak remembers an approval for the auth code flow, which would make a later
     * refusal impossible).
     */
    async revokeConsents(username: string): Promise<void> {
      const token = await adminToken();
      const users = await call(token, 'GET', `/users?exact=true&username=${encodeURIComponent(username)}`);
      if (!users.ok) throw new Error(`the admin API did not list users (HTTP ${users.status})`);
      const [user] = (await users.json()) as Array<{ id?: string }>;
      if (!user?.id) throw new Error(`the realm has no user ${username}`);
      const consents = await call(token, 'GET', `/users/${user.id}/consents`);
      if (!consents.ok) throw new Error(`the admin API did not list consents (HTTP ${consents.status})`);
      for (const consent of (await consents.json()) as Array<{ clientId?: string }>) {
        if (!consent.clientId) continue;
        const revoked = await call(
          token,
          'DELETE',
          `/users/${user.id}/consents/${encodeURIComponent(consent.clientId)}`,
        );
        await revoked.body?.cancel();
        if (!revoked.ok && revoked.status !== 404) {
          throw new Error(
            `the admin API did not revoke the consent for ${consent.clientId} (HTTP ${revoked.status})`,
          );
        }
      }
    },
  };
}

export type KeycloakAdmin = ReturnType<typeof keycloakAdmin>;

/** One call of an admin session: `path` under `/admin/realms/<realm>`. */
export type AdminCall = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
) => Promise<{ location?: string; body?: unknown }>;
