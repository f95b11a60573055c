import { jwtClaims } from '../support/jwt.js';
import {
  UNTRUSTED_SUBJECT,
  type WorkloadIdentitySupport,
  type WorkloadPlatform,
  type WorkloadWay,
} from '../targets/workload-identity.js';

const GRANT_TYPE = {
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  clientAssertion: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  jwtTokenType: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** An IdP's answer at its token endpoint. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The token request a workload makes with its platform token in `way`, written out by hand:
 * the IdP's side checked without the product (target tests), one form per RFC.
 */
export async function spendPlatformToken(options: {
  way: WorkloadWay;
  tokenEndpoint: string;
  clientId: string;
  platformToken: string;
  /** More form fields (`audience`, `scope` …). */
  extra?: Record<string, string>;
}): Promise<TokenAnswer> {
  const form: Record<string, string> = {
    client_id: options.clientId,
    ...wayFields(options.way, options.platformToken),
    ...options.extra,
  };
  const response = await fetch(options.tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsed: text.slice(0, 200) };
  }
  return { status: response.status, body };
}

function wayFields(way: WorkloadWay, token: string): Record<string, string> {
  switch (way) {
    case 'client_assertion':
      return {
        grant_type: 'client_credentials',
        client_assertion_type: GRANT_TYPE.clientAssertion,
        client_assertion: token,
      };
    case 'jwt_bearer':
      return { grant_type: GRANT_TYPE.jwtBearer, assertion: token };
    case 'token_exchange':
      return {
        grant_type: GRANT_TYPE.tokenExchange,
        subject_token: token,
        subject_token_type: GRANT_TYPE.jwtTokenType,
      };
  }
}

/** What a target did with each kind of platform token, sent by hand. */
export interface WorkloadRequestResults {
  /** Per platform: the claims of the IdP's access token (undefined: refused, see `answers`). */
  accepted: Record<WorkloadPlatform, Record<string, unknown> | undefined>;
  /** The IdP's answer to a token for another audience, an expired one, an untrusted subject. */
  refused: { wrongAudience: TokenAnswer; expired: TokenAnswer; wrongSubject: TokenAnswer };
  /** Every answer, for the assertion messages. */
  answers: Record<string, TokenAnswer>;
}

/**
 * Sends the target one fresh platform token of each shape (GitHub, GitLab, Kubernetes) for its
 * audience, then one for another audience, one expired and one for an untrusted subject: the
 * IdP's configuration proved with plain requests.
 */
export async function tryWorkloadRequests(
  support: WorkloadIdentitySupport,
  tokenEndpoint: string,
): Promise<WorkloadRequestResults> {
  const { ciIssuer, audience, clients, way } = support;
  const answers: Record<string, TokenAnswer> = {};
  const send = async (name: string, platform: WorkloadPlatform, platformToken: string) => {
    answers[name] = await spendPlatformToken({
      way,
      tokenEndpoint,
      clientId: clients[platform].clientId,
      platformToken,
    });
    return answers[name];
  };
  const claimsOf = (answer: TokenAnswer) =>
    answer.status === 200 ? jwtClaims(String(answer.body.access_token)) : undefined;
  const accepted = {
    github: claimsOf(await send('github', 'github', await ciIssuer.signGitHubToken({ audience }))),
    gitlab: claimsOf(await send('gitlab', 'gitlab', await ciIssuer.signGitLabToken({ audience }))),
    kubernetes: claimsOf(
      await send('kubernetes', 'kubernetes', await ciIssuer.signKubernetesToken({ audience })),
    ),
  };
  const refused = {
    wrongAudience: await send(
      'wrong audience',
      'kubernetes',
      await ciIssuer.signKubernetesToken({ audience: 'https://elsewhere.oidcflow.test' }),
    ),
    expired: await send(
      'expired',
      'kubernetes',
      await ciIssuer.signKubernetesToken({ audience, expired: true }),
    ),
    wrongSubject: await send(
      'wrong subject',
      'github',
      await ciIssuer.signGitHubToken({ audience, claims: { sub: UNTRUSTED_SUBJECT } }),
    ),
  };
  return { accepted, refused, answers };
}
