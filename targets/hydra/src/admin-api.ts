/** The little of Hydra's admin API (v2) the target and its login and consent app need. */

export interface HydraClient {
  client_id: string;
  client_secret?: string;
}

export interface LoginRequest {
  challenge: string;
  skip: boolean;
  subject: string;
  client?: { client_id?: string; client_name?: string };
  /** The OpenID Connect parameters of the authorization request (`login_hint`, …). */
  oidc_context?: { login_hint?: string };
}

export interface ConsentRequest {
  challenge: string;
  skip: boolean;
  subject?: string;
  requested_scope?: string[];
  requested_access_token_audience?: string[];
  client?: { client_id?: string; client_name?: string };
}

/** Where Hydra sends the browser next, after an accept or reject. */
interface RedirectTo {
  redirect_to: string;
}

const TIMEOUT_MS = 10_000;

export function hydraAdmin(adminUrl: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) {
      // Hydra's error bodies name the problem, never a secret of ours.
      throw new Error(
        `Hydra's admin API answered ${method} ${path.split('?')[0]} with HTTP ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    return JSON.parse(text) as T;
  };
  const challenge = (kind: 'login' | 'consent', value: string) =>
    `/admin/oauth2/auth/requests/${kind}?${kind}_challenge=${encodeURIComponent(value)}`;
  const decision = (kind: 'login' | 'consent', verb: 'accept' | 'reject', value: string) =>
    `/admin/oauth2/auth/requests/${kind}/${verb}?${kind}_challenge=${encodeURIComponent(value)}`;

  return {
    createClient: (client: Record<string, unknown>) => call<HydraClient>('POST', '/admin/clients', client),
    /**
     * A trust relationship of the JWT bearer grant (RFC 7523 §2.1): assertions by `issuer`
     * about `subject`, signed with `jwk`, may ask for `scope` until `expires_at`.
     */
    trustJwtGrantIssuer: (trust: {
      issuer: string;
      subject: string;
      scope: string[];
      jwk: object;
      expires_at: string;
    }) => call<{ id: string }>('POST', '/admin/trust/grants/jwt-bearer/issuers', trust),
    loginRequest: (value: string) => call<LoginRequest>('GET', challenge('login', value)),
    acceptLogin: (value: string, subject: string) =>
      // remember: false, so every login shows the form (force login must meet the user again).
      call<RedirectTo>('PUT', decision('login', 'accept', value), { subject, remember: false }),
    consentRequest: (value: string) => call<ConsentRequest>('GET', challenge('consent', value)),
    acceptConsent: (value: string, request: ConsentRequest, idTokenClaims: Record<string, unknown>) =>
      call<RedirectTo>('PUT', decision('consent', 'accept', value), {
        grant_scope: request.requested_scope ?? [],
        grant_access_token_audience: request.requested_access_token_audience ?? [],
        // Not remembered: a later login asks again, so a refusal always has a page to refuse on.
        remember: false,
        session: { id_token: idTokenClaims },
      }),
    rejectConsent: (value: string) =>
      call<RedirectTo>('PUT', decision('consent', 'reject', value), {
        error: 'access_denied',
        error_description: 'The user refused to grant access.',
        status_code: 403,
      }),
  };
}

export type HydraAdmin = ReturnType<typeof hydraAdmin>;
