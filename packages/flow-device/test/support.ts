import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Clock,
  createMemoryCache,
  type OidcAuthOptions,
  OidcflowError,
  type PromptOutput,
  silentLogger,
} from '@oidcflow/core';
import type { TestIdp } from '@oidcflow/test-idp';
import { createDeviceFlow, type DeviceFlowOptions } from '../src/index.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A clock whose `sleep` returns at once, records the duration asked for and moves `now` on. */
export interface FakeClock extends Clock {
  /** Every duration passed to `sleep`, in ms, in order. */
  readonly sleeps: number[];
  /**
   * Runs inside each `sleep` (1-based count) before it resolves, e.g. to abort a login or to
   * let a user approve before a poll; a returned promise is awaited.
   */
  onSleep?: (count: number) => void | Promise<void>;
}

export function createFakeClock(start = Date.now()): FakeClock {
  let now = start;
  const clock: FakeClock = {
    sleeps: [],
    now: () => now,
    async sleep(milliseconds, signal) {
      if (signal?.aborted) throw signal.reason;
      clock.sleeps.push(milliseconds);
      await clock.onSleep?.(clock.sleeps.length);
      if (signal?.aborted) throw signal.reason;
      now += milliseconds;
    },
  };
  return clock;
}

/** A prompt output that keeps what was written. */
export interface CapturedOutput extends PromptOutput {
  readonly writes: string[];
  text(): string;
}

export function captureOutput(terminal: { isTTY?: boolean; columns?: number } = {}): CapturedOutput {
  const writes: string[] = [];
  return {
    writes,
    ...(terminal.isTTY ? { isTTY: true } : {}),
    ...(terminal.columns ? { columns: terminal.columns } : {}),
    write(text: string) {
      writes.push(text);
      return true;
    },
    text: () => writes.join(''),
  };
}

/** Module loader that reports no first-party package as installed: only explicit plugins run. */
export async function nothingInstalled(specifier: string): Promise<never> {
  const error = new Error(`Cannot find package '${specifier}' imported from test`) as Error & {
    code: string;
  };
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

export interface DeviceOptionsInput {
  flow?: DeviceFlowOptions;
  clock?: Clock;
  output?: PromptOutput;
  openUrl?: (url: string) => Promise<boolean>;
  extra?: Partial<OidcAuthOptions>;
}

/** `OidcAuth` options for the IdP's device client, with the flow under test taken from src. */
export function deviceOptions(idp: TestIdp, input: DeviceOptionsInput = {}): OidcAuthOptions {
  return {
    issuer: idp.issuer,
    clientId: idp.clients.device.clientId,
    scopes: ['openid', 'profile'],
    flow: 'device',
    plugins: [createDeviceFlow(input.flow), createMemoryCache()],
    loadModule: nothingInstalled,
    logger: silentLogger,
    env: {},
    ports: {
      output: input.output ?? captureOutput(),
      ...(input.clock ? { clock: input.clock } : {}),
      openUrl: input.openUrl ?? (async () => false),
    },
    ...input.extra,
  };
}

export async function rejectionOf(promise: Promise<unknown>): Promise<OidcflowError> {
  try {
    await promise;
  } catch (error) {
    if (OidcflowError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

export function oauthError(error: string, description?: string) {
  return {
    status: 400,
    body: { error, ...(description ? { error_description: description } : {}) },
  };
}

/** One request the proxy received. */
export interface ProxiedRequest {
  method: string;
  path: string;
  body: URLSearchParams;
  /** The Authorization header, when there was one. */
  authorization?: string;
}

export interface IdpProxy {
  /** Origin of the proxy, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * An HTTP proxy on 127.0.0.1 in front of the test IdP that records form bodies (to see the
 * parameters sent) and can drop the first token requests on the floor (a connection reset).
 */
export async function startIdpProxy(
  idp: TestIdp,
  options: { resetTokenRequests?: number } = {},
): Promise<IdpProxy> {
  const requests: ProxiedRequest[] = [];
  let resetsLeft = options.resetTokenRequests ?? 0;
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    const body = await readBody(request);
    const { authorization } = request.headers;
    requests.push({
      method: request.method ?? 'GET',
      path,
      body: new URLSearchParams(body),
      ...(authorization ? { authorization } : {}),
    });
    if (path === '/token' && resetsLeft > 0) {
      resetsLeft -= 1;
      request.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = request.method ?? 'GET';
    const answer = await fetch(`${idp.issuer}${request.url ?? '/'}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
      redirect: 'manual',
    });
    response.statusCode = answer.status;
    const contentType = answer.headers.get('content-type');
    if (contentType) response.setHeader('content-type', contentType);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
