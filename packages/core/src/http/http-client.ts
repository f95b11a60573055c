import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { expandHome } from '../config/url-policy.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

export interface HttpClientOptions {
  caCertPath?: string;
  timeoutSeconds: number;
  env: NodeJS.ProcessEnv;
  home: string;
}

export interface HttpClient {
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

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
        'Point caCertPath (OIDCFLOW_CA_CERT_PATH) at a PEM file with your CA certificate, or remove it to use the system roots.',
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
  let current = error as { cause?: unknown; code?: string; message?: string } | undefined;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current.code && current.code !== 'ABORT_ERR') return current;
    current = current.cause as typeof current;
  }
  return {};
}

/** Turns a failed connection into an error that says what to check. */
export function mapNetworkError(error: unknown, url: string): unknown {
  if (OidcflowError.isInstance(error)) return error;
  if ((error as { name?: string })?.name === 'AbortError') return error;
  const cause = networkCause(error);
  const where = new URL(url).origin;
  if (cause.code && TLS_TRUST_CODES.has(cause.code)) {
    return new OidcflowError(
      ErrorCode.IDP_TLS_UNTRUSTED,
      `The TLS certificate of ${where} is not trusted (${cause.code}). ` +
        'If the IdP uses a private CA, set caCertPath (OIDCFLOW_CA_CERT_PATH) to its PEM file.',
      { cause: error },
    );
  }
  if (error instanceof TypeError || cause.code) {
    return new OidcflowError(
      ErrorCode.IDP_UNREACHABLE,
      `Cannot reach the IdP at ${where} (${cause.code ?? cause.message ?? 'network error'}). ` +
        'Check the issuer URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY).',
      { cause: error },
    );
  }
  return error;
}

/**
 * The one HTTP client for IdP calls: system roots plus `caCertPath`, HTTPS_PROXY/NO_PROXY,
 * timeouts and a User-Agent. undici is imported here, never on the cache-hit path.
 */
export async function createHttpClient(options: HttpClientOptions): Promise<HttpClient> {
  const ca = options.caCertPath
    ? [...rootCertificates, await readCaBundle(options.caCertPath, options.home)]
    : undefined;
  const undici = await import('undici');
  const timeout = options.timeoutSeconds * 1000;
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
          headersTimeout: timeout,
          bodyTimeout: timeout,
        })
      : new undici.Agent({ connect, headersTimeout: timeout, bodyTimeout: timeout });

  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    try {
      // undici's fetch and Response are the platform's own types at run time.
      return (await undici.fetch(url, {
        ...(init as object),
        headers,
        dispatcher,
      } as Parameters<typeof undici.fetch>[1])) as unknown as Response;
    } catch (error) {
      throw mapNetworkError(error, url);
    }
  }) as typeof globalThis.fetch;

  return { fetch, close: () => dispatcher.close() };
}
