import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import { type ProviderContext, errors as providerErrors } from 'oidc-provider';

/** RFC 8693 §2.1 */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 7523 §2.1 */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const TOKEN_TYPE = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
} as const;

/** The issuer whose tokens the embedded IdP takes as subject tokens and assertions. */
export interface TrustedWorkloadIssuer {
  /** The `iss` its tokens carry (a `CiIdentityIssuer`'s `issuer`). */
  issuer: string;
  /** Where its keys are (a `CiIdentityIssuer`'s `jwksUri`). */
  jwksUri: string;
  /** The `aud` its tokens must carry. @default the embedded IdP's issuer */
  audience?: string;
  /**
   * The workload subjects (`sub`) trusted, as a real IdP binds a federated credential to one;
   * a token of the issuer for any other subject is refused. @default every subject
   */
  subjects?: readonly string[];
}

/** How the grants find the resource servers the IdP knows (the same as resource indicators). */
export interface WorkloadGrantSetup {
  trusted: TrustedWorkloadIssuer;
  /** The embedded IdP's own public keys: its access tokens may be exchanged too. */
  ownKeys: JSONWebKeySet;
  resources: readonly string[];
  resourceServerInfo: (resource: string) => Record<string, unknown>;
  /**
   * Where the claims about the subject go for each token issued: the provider's
   * `extraTokenClaims` reads them back (it replaces any `extra` a handler sets).
   */
  extraClaims: WeakMap<object, Record<string, unknown>>;
}

type GrantContext = ProviderContext & {
  oidc: { params: Record<string, string | undefined>; client: unknown };
};

/** invalid_grant with the reason in `error_description`, as a real IdP words it. */
function invalidGrant(description: string): Error {
  const error = new providerErrors.InvalidGrant(description);
  error.error_description = description;
  return error;
}

/**
 * Registers RFC 8693 token exchange and the RFC 7523 JWT bearer grant on the provider
 * (oidc-provider's `registerGrantType`). Both take a JWT of the trusted workload issuer (its
 * signature by that issuer's JWKS, `iss`, `aud`, `exp`); token exchange also takes this IdP's
 * own JWT access tokens (`subject_token_type` access_token), to narrow their audience. The
 * answer is an access token for the client, a JWT for the resource asked (`resource`, else
 * `audience`), with the subject's `iss` and `sub` in `subject_iss` / `subject_sub`.
 */
export function registerWorkloadGrants(provider: Provider, setup: WorkloadGrantSetup): void {
  const trustedKeys = createRemoteJWKSet(new URL(setup.trusted.jwksUri));
  const ownKeys = createLocalJWKSet(setup.ownKeys);

  async function verifyWorkloadToken(token: string, name: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, trustedKeys, {
        issuer: setup.trusted.issuer,
        audience: setup.trusted.audience ?? provider.issuer,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw invalidGrant(`${name} rejected: ${(error as Error).message}`);
    }
    const { subjects } = setup.trusted;
    if (subjects && !subjects.includes(String(payload.sub))) {
      throw invalidGrant(`${name} rejected: sub ${String(payload.sub)} is not a trusted workload`);
    }
    return payload;
  }

  async function verifyOwnAccessToken(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, ownKeys, {
        issuer: provider.issuer,
        audience: [...setup.resources],
        typ: 'at+jwt',
      });
      return payload;
    } catch (error) {
      throw invalidGrant(`subject_token rejected: ${(error as Error).message}`);
    }
  }

  async function issue(context: GrantContext, subject: JWTPayload): Promise<void> {
    const { params, client } = context.oidc;
    const resource = params.resource ?? params.audience;
    const token = new provider.ClientCredentials({
      client,
      ...(params.scope ? { scope: params.scope } : {}),
    });
    if (resource) {
      if (!setup.resources.includes(resource))
        throw new providerErrors.InvalidTarget(`unknown resource ${resource}`);
      token.resourceServer = new provider.ResourceServer(resource, setup.resourceServerInfo(resource));
    }
    setup.extraClaims.set(token, { subject_iss: subject.iss, subject_sub: subject.sub });
    const value = await token.save();
    context.body = {
      access_token: value,
      // RFC 8693 §2.2.1: the type of the token issued.
      ...(params.grant_type === TOKEN_EXCHANGE_GRANT_TYPE
        ? { issued_token_type: TOKEN_TYPE.accessToken }
        : {}),
      token_type: 'Bearer',
      expires_in: token.expiration,
      ...(token.scope ? { scope: token.scope } : {}),
    };
  }

  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT_TYPE,
    async (context: GrantContext) => {
      const { subject_token: subjectToken, subject_token_type: type } = context.oidc.params;
      if (!subjectToken) throw new providerErrors.InvalidRequest('missing required parameter subject_token');
      let subject: JWTPayload;
      if (type === TOKEN_TYPE.jwt || type === TOKEN_TYPE.idToken) {
        subject = await verifyWorkloadToken(subjectToken, 'subject_token');
      } else if (type === TOKEN_TYPE.accessToken) {
        subject = await verifyOwnAccessToken(subjectToken);
      } else {
        throw new providerErrors.InvalidRequest(`unsupported subject_token_type ${type ?? '(none)'}`);
      }
      await issue(context, subject);
    },
    ['subject_token', 'subject_token_type', 'audience', 'resource', 'scope', 'requested_token_type'],
    ['audience', 'resource'],
  );
  provider.registerGrantType(
    JWT_BEARER_GRANT_TYPE,
    async (context: GrantContext) => {
      const { assertion } = context.oidc.params;
      if (!assertion) throw new providerErrors.InvalidRequest('missing required parameter assertion');
      await issue(context, await verifyWorkloadToken(assertion, 'assertion'));
    },
    ['assertion', 'scope', 'audience', 'resource'],
  );
}
