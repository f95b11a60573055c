import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { listenOnLoopback } from '../loopback-server.js';
import {
  type GitHubJob,
  type GitLabJob,
  gitHubClaims,
  gitLabClaims,
  type KubernetesServiceAccount,
  kubernetesClaims,
  type SpiffeWorkload,
  spiffeClaims,
} from './claims.js';

/** The signing algorithms the issuer offers (GitHub, GitLab and Kubernetes sign with RS256). */
export type CiIdentityAlgorithm = 'RS256' | 'ES256';

/** Where the issuer names itself, how it signs, and the job its token request endpoint describes. */
export interface CiIdentityIssuerOptions {
  /** Host the issuer URL names; the server always listens on 127.0.0.1. @default '127.0.0.1' */
  hostname?: string;
  /** @default 'RS256' */
  algorithm?: CiIdentityAlgorithm;
  /** The job the GitHub-compatible request endpoint issues tokens for. */
  gitHubJob?: GitHubJob;
  /** Lifetime of the tokens the request endpoint issues, in seconds. @default 300 */
  requestLifetimeSeconds?: number;
}

/** How one token is signed. */
export interface CiTokenOptions {
  /** The `aud` claim: one audience or several. */
  audience: string | readonly string[];
  /** Seconds from `iat` to `exp`. @default 300 */
  lifetimeSeconds?: number;
  /** Issue it already expired: `exp` two minutes in the past. */
  expired?: boolean;
  /**
   * Claims set last, over the shape's and the registered ones (`iss`, `sub`, `exp` …): a wrong
   * subject, another issuer. A claim set to `undefined` is left out.
   */
  claims?: Record<string, unknown>;
}

/** One request to the GitHub-compatible token request endpoint, as the issuer judged it. */
export interface GitHubTokenRequest {
  /** The `audience` query parameter, if any. */
  audience: string | undefined;
  /** Whether the bearer request token was the right one (a token was issued). */
  authorized: boolean;
  /** The token issued, for tests that search outputs and files for it. */
  token?: string;
}

/**
 * An OpenID issuer that signs the workload identity tokens CI platforms hand their jobs, and
 * serves GitHub Actions' token request endpoint.
 */
export interface CiIdentityIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of every token and the base of its discovery. */
  readonly issuer: string;
  /** Where the public keys are served (`jwks_uri` of the discovery document). */
  readonly jwksUri: string;
  /** The public signing keys (what `jwksUri` answers). */
  readonly jwks: JSONWebKeySet;
  /**
   * GitHub Actions' two variables for this issuer: `ACTIONS_ID_TOKEN_REQUEST_URL` (a URL with
   * `?api-version=2.0`, to which a client appends `&audience=…`) and
   * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (the bearer the endpoint demands).
   */
  readonly gitHubActions: { requestUrl: string; requestToken: string };
  /** Every request to the token request endpoint, in order. */
  readonly gitHubRequests: readonly GitHubTokenRequest[];
  /** Changes the job the request endpoint issues tokens for (a new ref, another repository). */
  setGitHubJob(job: GitHubJob): void;
  /** A GitHub Actions token: `sub: repo:ORG/REPO:ref:refs/heads/main`, `repository`, `job_workflow_ref` … */
  signGitHubToken(options: CiTokenOptions & { job?: GitHubJob }): Promise<string>;
  /** A GitLab CI `id_tokens:` token: `sub: project_path:GROUP/PROJECT:ref_type:branch:ref:main` … */
  signGitLabToken(options: CiTokenOptions & { job?: GitLabJob }): Promise<string>;
  /** A projected service account token: `sub: system:serviceaccount:NS:SA`, `kubernetes.io` … */
  signKubernetesToken(options: CiTokenOptions & { account?: KubernetesServiceAccount }): Promise<string>;
  /** A SPIFFE JWT-SVID: `sub: spiffe://…`. */
  signSpiffeToken(options: CiTokenOptions & { workload?: SpiffeWorkload }): Promise<string>;
  /** A token with only the registered claims and `options.claims`. */
  sign(options: CiTokenOptions): Promise<string>;
  stop(): Promise<void>;
}

const DEFAULT_LIFETIME_SECONDS = 300;
const TOKEN_REQUEST_PATH = '/_apis/actions/idtoken';

/**
 * Starts the CI identity issuer on 127.0.0.1 (a port from the OS): discovery at
 * `/.well-known/openid-configuration`, keys at `/.well-known/jwks`, and GitHub Actions' token
 * request endpoint, which checks its bearer request token, honours `audience` (GitHub's default
 * `https://github.com/OWNER` without one) and answers `{ "count": 1, "value": "<jwt>" }`.
 */
export async function startCiIdentityIssuer(
  options: CiIdentityIssuerOptions = {},
): Promise<CiIdentityIssuer> {
  const algorithm = options.algorithm ?? 'RS256';
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  const kid = `ci-${randomBytes(6).toString('hex')}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const requestToken = `ci-request-${randomBytes(24).toString('base64url')}`;
  const gitHubRequests: GitHubTokenRequest[] = [];
  let gitHubJob: GitHubJob = { ...options.gitHubJob };
  let issuer = '';

  async function sign(shape: Record<string, unknown>, token: CiTokenOptions): Promise<string> {
    const lifetime = token.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = token.expired ? now - lifetime - 120 : now;
    const merged: Record<string, unknown> = {
      jti: randomUUID(),
      ...shape,
      iss: issuer,
      aud: typeof token.audience === 'string' ? token.audience : [...token.audience],
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + lifetime,
      ...token.claims,
    };
    const payload = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
    return new SignJWT(payload).setProtectedHeader({ alg: algorithm, kid, typ: 'JWT' }).sign(privateKey);
  }

  async function answerTokenRequest(request: IncomingMessage, url: URL, response: ServerResponse) {
    const audience = url.searchParams.get('audience') ?? undefined;
    const authorized = request.headers.authorization === `Bearer ${requestToken}`;
    const record: GitHubTokenRequest = { audience, authorized };
    gitHubRequests.push(record);
    if (!authorized) {
      json(response, 401, { message: 'Bad credentials' });
      return;
    }
    const claims = gitHubClaims(gitHubJob);
    const value = await sign(claims, {
      audience: audience ?? `https://github.com/${claims.repository_owner as string}`,
      lifetimeSeconds: options.requestLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS,
    });
    record.token = value;
    json(response, 200, { count: value.length, value });
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    for await (const _chunk of request) {
      // drained
    }
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method !== 'GET') json(response, 405, { message: 'Method Not Allowed' });
    else if (url.pathname === '/.well-known/openid-configuration') json(response, 200, discovery());
    else if (url.pathname === '/.well-known/jwks') json(response, 200, jwks);
    else if (url.pathname === TOKEN_REQUEST_PATH) await answerTokenRequest(request, url, response);
    else json(response, 404, { message: 'Not Found' });
  }

  // Shaped like GitHub's own (token.actions.githubusercontent.com): no authorization or token
  // endpoint, since the issuer only signs what the platform hands its jobs.
  function discovery(): Record<string, unknown> {
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: [algorithm],
      scopes_supported: ['openid'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'repository',
        'ref',
        'job_workflow_ref',
      ],
    };
  }

  const listening = await listenOnLoopback(
    createServer((request, response) => {
      handle(request, response).catch(() => json(response, 500, { message: 'Internal Server Error' }));
    }),
  );
  issuer = `http://${options.hostname ?? '127.0.0.1'}:${listening.port}`;

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks`,
    jwks,
    gitHubActions: { requestUrl: `${issuer}${TOKEN_REQUEST_PATH}?api-version=2.0`, requestToken },
    gitHubRequests,
    setGitHubJob: (job) => {
      gitHubJob = { ...job };
    },
    signGitHubToken: ({ job, ...token }) => sign(gitHubClaims(job), token),
    signGitLabToken: ({ job, ...token }) => sign(gitLabClaims(job), token),
    signKubernetesToken: ({ account, ...token }) => sign(kubernetesClaims(account), token),
    signSpiffeToken: ({ workload, ...token }) => sign(spiffeClaims(workload), token),
    sign: (token) => sign({}, token),
    stop: listening.close,
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
