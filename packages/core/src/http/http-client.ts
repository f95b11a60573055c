import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { expandHome } from '../config/home.js';
import { causeChain } from '../errors/cause-chain.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

export interface HttpClientOptions {
  caCertPath?: string;
  /** Seconds one request may take from connecting to the last byte of the body. */
  timeoutSeconds: number;
  /**
   * Seconds an API request (`apiFetch`) may take; its deadline is the caller's signal, and the
   * connections' own header and body timeouts are at least this long so as not to cut it short.
   * @default timeoutSeconds
   */
  apiTimeoutSeconds?: number;
  /** Largest response body read, in bytes; a larger one fails with IDP_RESPONSE_TOO_LARGE. @default 1 MiB */
  maxResponseBytes?: number;
  env: NodeJS.ProcessEnv;
  home: string;
}

export interface HttpClient {
  /** For IdP calls: the whole answer read under the deadline, at most `maxResponseBytes`. */
  fetch: typeof globalThis.fetch;
  /**
   * For API calls (`auth.fetch`): the same connection policy (CA, proxy, User-Agent), the
   * answer handed over unread (streamed, not capped), redirects as `init.redirect` says. The
   * caller's `signal` is the deadline: when it aborts with an `OidcflowError` as its reason,
   * the request (or the body being read) fails with that error.
   */
  apiFetch(url: URL, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Metadata, key sets and token responses are a few KB; 1 MiB leaves room for any honest IdP. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Statuses whose responses have no body (a `Response` refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const USER_AGENT = `oidcflow/0.1 node/${process.versions.node}`;

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

async function readCaBundle(caCertPath: string, home: string): Promise<string> {
  const path = expandHome(caCertPath, home);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OidcflowError(
      ErrorCode.CA_CERT_NOT_FOUND,
      `caCertPath "${caCertPath}" cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). ` +
        'Point caCertPath (the option) at a PEM file with your CA certificate, or remove it to use the system roots.',
      { cause: error },
    );
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) {
    throw new OidcflowError(
      ErrorCode.CA_CERT_INVALID,
      `caCertPath "${caCertPath}" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----"). ` +
        'Convert a DER file with: openssl x509 -inform der -in ca.der -out ca.pem',
    );
  }
  return text;
}

function networkCause(error: unknown): { code?: string; message?: string } {
  const links = causeChain<{ code?: string; message?: string }>(error, 5);
  return links.find((link) => link.code && link.code !== 'ABORT_ERR') ?? {};
}

/** Who a request went to, for the error that says what to check: the IdP, or an API (`auth.fetch`). */
interface Party {
  unreachable: ErrorCode;
  tlsUntrusted: ErrorCode;
  /** "the IdP at", "the API at" */
  at: string;
  /** What to check first when it cannot be reached. */
  check: string;
}

const IDP: Party = {
  unreachable: ErrorCode.IDP_UNREACHABLE,
  tlsUntrusted: ErrorCode.IDP_TLS_UNTRUSTED,
  at: 'the IdP at',
  check: 'the issuer URL',
};

const API: Party = {
  unreachable: ErrorCode.FETCH_UNREACHABLE,
  tlsUntrusted: ErrorCode.FETCH_TLS_UNTRUSTED,
  at: 'the API at',
  check: 'the URL',
};

/** Turns a failed connection into an error that says what to check. */
function mapNetworkError(error: unknown, url: string, party: Party = IDP): unknown {
  if (OidcflowError.isInstance(error)) return error;
  if ((error as { name?: string })?.name === 'AbortError') return error;
  const cause = networkCause(error);
  const where = new URL(url).origin;
  if (cause.code && TLS_TRUST_CODES.has(cause.code)) {
    return new OidcflowError(
      party.tlsUntrusted,
      `The TLS certificate of ${where} is not trusted (${cause.code}). ` +
        'If it comes from a private CA, set the caCertPath option to its PEM file.',
      { cause: error },
    );
  }
  if (error instanceof TypeError || cause.code) {
    return new OidcflowError(
      party.unreachable,
      `Cannot reach ${party.at} ${where} (${cause.code ?? cause.message ?? 'network error'}). ` +
        `Check ${party.check}, your network and proxy settings (HTTPS_PROXY, NO_PROXY).`,
      { cause: error },
    );
  }
  return error;
}

function tooLarge(url: string, maxBytes: number): OidcflowError {
  return new OidcflowError(
    ErrorCode.IDP_RESPONSE_TOO_LARGE,
    `The answer of ${new URL(url).origin}${new URL(url).pathname} is larger than ${maxBytes} bytes, so oidcflow stopped reading it. ` +
      'IdP metadata, keys and tokens are a few KB: check the URL. If the IdP really sends more, raise maxResponseBytes.',
  );
}

function timedOut(url: string, seconds: number, cause: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.IDP_UNREACHABLE,
    `Cannot reach the IdP at ${new URL(url).origin}: its answer did not arrive in full within ${seconds} s. ` +
      'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY), or raise httpTimeoutSeconds (--http-timeout-seconds).',
    { cause },
  );
}

/**
 * Reads the whole body, at most `maxBytes` of it, and returns a response holding it. Reading
 * here, under the request's deadline, makes the deadline cover the last byte (undici's
 * `bodyTimeout` only bounds the pause between two chunks, so a server that drips one byte a
 * second would never time out) and stops a huge body before it fills the memory.
 */
async function readWhole(
  response: Response,
  url: string,
  maxBytes: number,
  readByCaller: boolean,
): Promise<Response> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, maxBytes);
  }
  if (NULL_BODY_STATUSES.has(response.status) || !response.body) {
    return new Response(null, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
  // A declared length within the cap, not compressed: undici reads exactly that many bytes, so
  // the body is bounded already and is read in one go (the usual small JSON answer). A
  // compressed body may inflate past its declared length: it is counted below.
  const encoding = response.headers.get('content-encoding');
  const bounded = Number.isFinite(declared) && (!encoding || encoding === 'identity');
  // openid-client's answers (token, device, revocation: not GET) with a bounded body are handed
  // over unread: it reads them at once, the deadline's signal stays on the request (undici
  // fails the body when it fires), and reading them here into a new Response would read every
  // token answer twice (about 0.07 ms of a 1 ms local grant).
  if (bounded && readByCaller) return response;
  if (bounded) {
    return new Response(await response.arrayBuffer(), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
  const chunks: Uint8Array[] = [];
  {
    const reader = response.body.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(url, maxBytes);
      }
      chunks.push(value);
    }
  }
  return new Response(Buffer.concat(chunks), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The one HTTP client, for IdP calls and API calls alike: system roots plus `caCertPath`,
 * HTTPS_PROXY/NO_PROXY, a User-Agent. Every IdP request (discovery, keys, token, device,
 * revocation, userinfo, resource metadata) gets the same policy: one deadline from connect to
 * the last byte, a response size cap, and no redirect followed for anything but GET and HEAD
 * (a redirected POST would carry the client's credentials or a code to wherever the redirect
 * points). API requests (`apiFetch`) share the connections and trust, and get their deadline
 * from `auth.fetch`. undici is imported here, never on the cache-hit path.
 */
export async function createHttpClient(options: HttpClientOptions): Promise<HttpClient> {
  const ca = options.caCertPath
    ? [...rootCertificates, await readCaBundle(options.caCertPath, options.home)]
    : undefined;
  const undici = await import('undici');
  const timeout = options.timeoutSeconds * 1000;
  // undici's pause limits (headers, between two chunks) for both kinds of request: IdP requests
  // are bounded by their own deadline below, API requests by the one auth.fetch gives them.
  const idleTimeout = Math.max(options.timeoutSeconds, options.apiTimeoutSeconds ?? 0) * 1000;
  const env = options.env;
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  const connect = { timeout, ...(ca ? { ca } : {}) };
  const dispatcher =
    httpsProxy || httpProxy
      ? new undici.EnvHttpProxyAgent({
          ...(httpProxy ? { httpProxy } : {}),
          ...(httpsProxy ? { httpsProxy } : {}),
          noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
          connect,
          ...(ca ? { requestTls: { ca } } : {}),
          headersTimeout: idleTimeout,
          bodyTimeout: idleTimeout,
        })
      : new undici.Agent({ connect, headersTimeout: idleTimeout, bodyTimeout: idleTimeout });

  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    const deadline = AbortSignal.timeout(timeout);
    const callerSignal = init?.signal ?? undefined;
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const redirect = method === 'GET' || method === 'HEAD' ? (init?.redirect ?? 'follow') : 'manual';
    try {
      // undici's fetch and Response are the platform's own types at run time.
      const response = (await undici.fetch(url, {
        ...(init as object),
        method,
        headers,
        dispatcher,
        signal,
        redirect,
      } as Parameters<typeof undici.fetch>[1])) as unknown as Response;
      return await readWhole(response, url, maxBytes, method !== 'GET' && method !== 'HEAD');
    } catch (error) {
      if (OidcflowError.isInstance(error)) throw error;
      // Ours, or openid-client's own `timeout` (the same seconds): the answer came too slowly.
      const timeoutReason = (callerSignal?.reason as { name?: string } | undefined)?.name === 'TimeoutError';
      if ((deadline.aborted && !callerSignal?.aborted) || (callerSignal?.aborted && timeoutReason))
        throw timedOut(url, options.timeoutSeconds, error);
      throw mapNetworkError(error, url);
    }
  }) as typeof globalThis.fetch;

  const apiFetch = async (url: URL, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    try {
      return (await undici.fetch(url, {
        ...(init as object),
        headers,
        dispatcher,
      } as Parameters<typeof undici.fetch>[1])) as unknown as Response;
    } catch (error) {
      const reason = init.signal?.aborted ? init.signal.reason : undefined;
      if (OidcflowError.isInstance(reason)) throw reason;
      throw mapNetworkError(error, url.href, API);
    }
  };

  return { fetch, apiFetch, close: () => dispatcher.close() };
}
