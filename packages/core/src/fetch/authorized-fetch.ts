import type { JsonWebKey } from 'node:crypto';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { TokenSet } from '../spec/tokens.js';
import { dpopProof } from './dpop-proof.js';
import { OriginPolicy } from './origin-policy.js';

/** What `auth.fetch` needs of its `OidcAuth` / `OidcCredentialsAuth`. */
export interface AuthorizedFetchHost {
  /** Valid tokens, and the DPoP key of their cache entry when they are bound to one. */
  getCredentials(): Promise<{ tokens: TokenSet; dpopKey?: JsonWebKey | undefined }>;
  rejectToken(token: string): Promise<boolean>;
  /**
   * Tokens of a login that meets what an API asked for (RFC 9470): kept ones, else one login
   * when interactive, else `STEP_UP_REQUIRED`.
   */
  stepUp(
    requirement: StepUpChallenge,
    origin: string,
  ): Promise<{ tokens: TokenSet; dpopKey?: JsonWebKey | undefined }>;
  allowedOrigins?: readonly string[] | undefined;
  allowInsecureHttp: boolean;
  /** Sends one request with core's HTTP policy (CA, proxy): the runtime's `apiFetch`. */
  send(url: URL, init: RequestInit): Promise<Response>;
  /** Seconds one attempt may take, from the first request to the last byte of the answer. */
  timeoutSeconds: number;
}

/** What a 401 `insufficient_user_authentication` asked for (RFC 9470 §3). */
export interface StepUpChallenge {
  acrValues?: readonly string[];
  maxAge?: number;
}

type RequestBody = NonNullable<RequestInit['body']>;

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Same-origin redirects followed per request, like a browser's limit but lower. */
const MAX_REDIRECTS = 10;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The caller's headers that still go along once a redirect leaves the request's origin: those
 * that describe the request and carry no credential. Every other one stays behind (an allow
 * list, so a credential header of a name nobody foresaw — `X-Api-Key`, `Private-Token` — does
 * not leak): Authorization, DPoP, Cookie, Proxy-Authorization among them.
 */
const CROSS_ORIGIN_HEADERS = new Set([
  'accept',
  'accept-language',
  'cache-control',
  'content-language',
  'content-type',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'pragma',
  'range',
  'user-agent',
]);

interface PreparedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: RequestBody | null;
  replayable: boolean;
  redirect: NonNullable<RequestInit['redirect']>;
  signal: AbortSignal | null | undefined;
}

/** What goes with a request: the access token, and the DPoP key for its proofs. */
interface Credential {
  token: string;
  dpopKey?: JsonWebKey | undefined;
}

interface AttemptResult {
  response: Response;
  /** The token sent with the request that produced `response`; undefined when it went without. */
  sentToken: string | undefined;
}

/**
 * A `fetch` that sends the access token: to allowed origins only, following same-origin
 * redirects itself (a redirect to another origin is followed without the token), and on a
 * 401 `invalid_token` drops the token, refreshes once and sends the request once more.
 * A body that cannot be sent twice (a stream) is not retried: that fails with
 * `FETCH_NOT_REPLAYABLE`, after dropping the refused token so the next call refreshes.
 */
export function createAuthorizedFetch(host: AuthorizedFetchHost): FetchFunction {
  const policy = new OriginPolicy(host.allowedOrigins, host.allowInsecureHttp);
  const network: Network = { send: host.send, timeoutSeconds: host.timeoutSeconds };
  // The last DPoP-Nonce each origin gave (RFC 9449 §9), put in later proofs to it.
  const nonces = new Map<string, string>();
  // What each origin asked for once (RFC 9470): later requests to it go with the stepped-up token.
  const stepUps = new Map<string, StepUpChallenge>();
  const credential = async (origin: string): Promise<Credential> => {
    const required = stepUps.get(origin);
    const { tokens, dpopKey } = required ? await host.stepUp(required, origin) : await host.getCredentials();
    if (tokens.tokenType.toLowerCase() !== 'dpop') return { token: tokens.accessToken };
    if (!dpopKey) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        'The cached access token is bound to a DPoP key that is not in the cache. Log in again (oidcflow login --force, or login()).',
      );
    }
    return { token: tokens.accessToken, dpopKey };
  };
  /** One send, and once more when a DPoP resource server asks for its nonce. */
  const send = async (request: PreparedRequest, current: Credential): Promise<AttemptResult> => {
    const result = await attempt(request, current, policy, nonces, network);
    if (!(current.dpopKey && result.sentToken && challengeOf(result.response) === 'use_dpop_nonce'))
      return result;
    if (!request.replayable) return result;
    await result.response.body?.cancel();
    return attempt(request, current, policy, nonces, network);
  };
  return async (input, init) => {
    const request = await prepare(input, init);
    // Checked before any token is read: a refused origin costs no login.
    policy.admit(request.url);
    const origin = request.url.origin;
    const first = await send(request, await credential(origin));
    const challenge = stepUpChallengeOf(first);
    if (challenge) {
      // One login with what the API asked for, then the request once more (RFC 9470 §4).
      if (!request.replayable) {
        await first.response.body?.cancel();
        throw notReplayable(request, 'asked for a stronger login (401 insufficient_user_authentication)');
      }
      stepUps.set(origin, challenge);
      await first.response.body?.cancel();
      let stepped: Credential;
      try {
        stepped = await credential(origin);
      } catch (error) {
        // Not stepped up (not interactive, refused): the next call starts from the ordinary token.
        stepUps.delete(origin);
        throw error;
      }
      return (await send(request, stepped)).response;
    }
    if (!isRefused(first)) return first.response;
    const refused = first.sentToken as string;
    await host.rejectToken(refused);
    await first.response.body?.cancel();
    if (!request.replayable) throw notReplayable(request, 'refused the access token (401 invalid_token)');
    const second = await send(request, await credential(origin));
    return second.response;
  };
}

function notReplayable(request: PreparedRequest, what: string): OidcflowError {
  return new OidcflowError(
    ErrorCode.FETCH_NOT_REPLAYABLE,
    `${request.url.origin} ${what} and the request was not sent again: its body is a stream, which can be ` +
      'read only once. The next call uses a fresh token; pass the body as a string, bytes or Blob to let ' +
      'auth.fetch retry by itself.',
    {
      status: 401,
      oauthError: what.includes('invalid_token') ? 'invalid_token' : 'insufficient_user_authentication',
    },
  );
}

/**
 * The requirement of a 401 `insufficient_user_authentication` to a request that carried the
 * token (RFC 9470 §3): its `acr_values` (space-separated words) and `max_age` (seconds).
 * Undefined for any other answer, or a challenge that asks for neither in a form we can send.
 */
function stepUpChallengeOf({ response, sentToken }: AttemptResult): StepUpChallenge | undefined {
  if (sentToken === undefined || response.status !== 401) return undefined;
  const header = response.headers.get('www-authenticate');
  if (challengeError(header) !== 'insufficient_user_authentication') return undefined;
  const acr = challengeParameter(header, 'acr_values')?.split(' ').filter(Boolean);
  const maxAge = challengeParameter(header, 'max_age');
  const challenge: StepUpChallenge = {};
  if (acr?.length && acr.every((value) => /^[\x21-\x7e]+$/.test(value))) challenge.acrValues = acr;
  if (maxAge !== undefined && /^\d{1,9}$/.test(maxAge)) challenge.maxAge = Number(maxAge);
  return challenge.acrValues || challenge.maxAge !== undefined ? challenge : undefined;
}

function challengeOf(response: Response): string | undefined {
  return response.status === 401 ? challengeError(response.headers.get('www-authenticate')) : undefined;
}

function isRefused({ response, sentToken }: AttemptResult): boolean {
  return (
    sentToken !== undefined &&
    response.status === 401 &&
    challengeError(response.headers.get('www-authenticate')) === 'invalid_token'
  );
}

async function prepare(input: string | URL | Request, init: RequestInit = {}): Promise<PreparedRequest> {
  const source = input instanceof Request ? input : undefined;
  const url = new URL(source ? source.url : input instanceof URL ? input.href : input);
  const method = (init.method ?? source?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers ?? source?.headers);
  let body: RequestBody | null = init.body ?? null;
  // A Request's body is a stream; read it once so that it can be sent again.
  if (init.body === undefined && source?.body) body = await source.arrayBuffer();
  return {
    url,
    method,
    headers,
    body,
    replayable: isReplayableBody(body),
    redirect: init.redirect ?? source?.redirect ?? 'follow',
    signal: init.signal ?? source?.signal,
  };
}

/** How requests leave: core's HTTP client, and the deadline of one attempt. */
interface Network {
  send(url: URL, init: RequestInit): Promise<Response>;
  timeoutSeconds: number;
}

function timedOut(url: URL, seconds: number): OidcflowError {
  return new OidcflowError(
    ErrorCode.FETCH_TIMEOUT,
    `The answer of ${url.origin} did not arrive in full within ${seconds} s, so auth.fetch stopped it. ` +
      'Check the URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY), or raise fetchTimeoutSeconds ' +
      '(oidcflow fetch --fetch-timeout-seconds) for an answer that really takes longer.',
  );
}

/**
 * A signal that aborts `seconds` from now with `FETCH_TIMEOUT` (and with the caller's reason
 * when the caller aborts first). It stays on the response, so it bounds the reading of the body
 * too: a server that drips one byte a second is stopped at the deadline.
 */
function deadlineSignal(
  url: URL,
  seconds: number,
  callerSignal: AbortSignal | null | undefined,
): AbortSignal {
  const deadline = new AbortController();
  // unref: a deadline alone never keeps the process alive (an unread body is the caller's).
  setTimeout(() => deadline.abort(timedOut(url, seconds)), seconds * 1000).unref();
  return callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
}

/** Only the headers that carry no credential (see `CROSS_ORIGIN_HEADERS`). */
function withoutCredentials(headers: Headers): Headers {
  const kept = new Headers();
  for (const [name, value] of headers) if (CROSS_ORIGIN_HEADERS.has(name)) kept.append(name, value);
  return kept;
}

/**
 * Sends `request` once, following redirects as `request.redirect` says, within one deadline
 * (`network.timeoutSeconds`, to the last byte of the answer).
 */
async function attempt(
  request: PreparedRequest,
  credential: Credential,
  policy: OriginPolicy,
  nonces: Map<string, string>,
  network: Network,
): Promise<AttemptResult> {
  const { token, dpopKey } = credential;
  let { url, method, body } = request;
  let bodySent = false;
  const signal = deadlineSignal(request.url, network.timeoutSeconds, request.signal);
  // Once the chain leaves the allowed origins, the token stays behind for its rest; once it
  // leaves the request's origin, so do the caller's credential headers (Cookie, …).
  let withToken = true;
  let callerHeaders = request.headers;
  for (let hop = 0; ; hop += 1) {
    withToken &&= policy.allows(url);
    if (url.origin !== request.url.origin && callerHeaders === request.headers)
      callerHeaders = withoutCredentials(request.headers);
    if (bodySent && body !== null && !request.replayable) {
      throw new OidcflowError(
        ErrorCode.FETCH_NOT_REPLAYABLE,
        `${url.origin} redirected a request whose body is a stream, which can be read only once; ` +
          'pass the body as a string, bytes or Blob to let auth.fetch follow the redirect.',
      );
    }
    const headers = new Headers(callerHeaders);
    headers.delete('authorization');
    headers.delete('dpop');
    if (withToken && dpopKey) {
      headers.set('authorization', `DPoP ${token}`);
      headers.set(
        'dpop',
        await dpopProof(dpopKey, { method, url, accessToken: token, nonce: nonces.get(url.origin) }),
      );
    } else if (withToken) headers.set('authorization', `Bearer ${token}`);
    if (body === null) headers.delete('content-type');
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body, redirect: 'manual', signal };
    if (body !== null && !request.replayable) init.duplex = 'half';
    const response = await network.send(url, init);
    bodySent = true;
    const nonce = response.headers.get('dpop-nonce');
    if (nonce && withToken) nonces.set(url.origin, nonce);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location || request.redirect === 'manual') {
      return { response, sentToken: withToken ? token : undefined };
    }
    if (request.redirect === 'error') {
      await response.body?.cancel();
      throw new TypeError(
        `fetch failed: ${url.origin} redirected and the request's redirect mode is "error"`,
      );
    }
    if (hop >= MAX_REDIRECTS) {
      await response.body?.cancel();
      throw new OidcflowError(
        ErrorCode.FETCH_TOO_MANY_REDIRECTS,
        `${request.url.origin} redirected more than ${MAX_REDIRECTS} times; check the URL for a redirect loop.`,
      );
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    // Fetch's rules: 303, and 301/302 after a POST, turn into a GET without a body.
    if (
      response.status === 303
        ? method !== 'HEAD'
        : (response.status === 301 || response.status === 302) && method === 'POST'
    ) {
      method = 'GET';
      body = null;
    }
    url = next;
  }
}

/**
 * Whether a request body can be sent a second time (after a refresh, or along a 307/308
 * redirect). Strings, bytes, Blobs, form data and URLSearchParams are values; a
 * ReadableStream or an async iterable (a Node stream) is consumed by the first send.
 */
function isReplayableBody(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (body instanceof URLSearchParams || body instanceof Blob || body instanceof FormData) return true;
  return false;
}

/**
 * The `error` parameter of a `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9449 §7.1), e.g.
 * `invalid_token` or `use_dpop_nonce`; undefined when the header carries none. Only the error
 * word is read: no other parameter of the header is trusted.
 */
function challengeError(header: string | null): string | undefined {
  return challengeParameter(header, 'error');
}

/** One auth-param of a `WWW-Authenticate` challenge, quoted or not (RFC 9110 §11.2). */
function challengeParameter(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  const match = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"([^"]*)"|([^\\s,]+))`, 'i').exec(header);
  const word = match?.[1] ?? match?.[2];
  return word ? word.trim() : undefined;
}
