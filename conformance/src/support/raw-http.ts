import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { openidConfigurationUrl } from '@oidcflow/core';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM file of a private CA to trust for this request. */
  caCertPath?: string;
  timeoutMs?: number;
}

/**
 * One HTTP(S) request outside oidcflow, for the harness's own checks (a forged callback,
 * a revoked token tried at the token endpoint). Never goes through a proxy.
 */
export async function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  const ca = options.caCertPath ? await readFile(options.caCertPath, 'utf8') : undefined;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        timeout: options.timeoutMs ?? 10_000,
        ...(ca ? { ca } : {}),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${target.origin} in time`)));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** The IdP's OpenID Connect discovery document, read by the harness (not by oidcflow). */
export async function fetchDiscovery(issuer: string, caCertPath?: string): Promise<Record<string, unknown>> {
  const response = await rawRequest(openidConfigurationUrl(issuer), {
    headers: { accept: 'application/json' },
    ...(caCertPath ? { caCertPath } : {}),
  });
  if (response.status !== 200) throw new Error(`discovery answered HTTP ${response.status}`);
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** Whether anything accepts TCP connections at the URL's host and port. */
export async function isListening(url: string): Promise<boolean> {
  try {
    await rawRequest(url, { timeoutMs: 2_000 });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return false;
    throw error;
  }
}
