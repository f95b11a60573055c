import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createMemoryCache, type OidcAuthOptions, type PromptOutput, silentLogger } from '@oidcflow/core';
import type { TestIdp } from '@oidcflow/test-idp';
import { createAuthCodeFlow } from '../src/index.js';

export interface RecordingOutput extends PromptOutput {
  text(): string;
  /** Resolves with the first match of `pattern` in what was written (now or later). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** A prompt output that keeps what was written, for tests that read the printed URL. */
export function recordingOutput(): RecordingOutput {
  let written = '';
  const waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      const match = written.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  return {
    write(text: string) {
      written += text;
      settle();
      return true;
    },
    text: () => written,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        settle();
      }),
  };
}

/**
 * Options for a browser login against the test IdP's public native client. `callbackPort: 0`
 * so that no test depends on a fixed port; `env: {}` so the machine's BROWSER, CI or DISPLAY
 * change nothing.
 */
export function loginOptions(idp: TestIdp, extra: Partial<OidcAuthOptions> = {}): OidcAuthOptions {
  return {
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile'],
    flow: 'auth_code',
    plugins: [createAuthCodeFlow(), createMemoryCache()],
    callbackPort: 0,
    callbackTimeoutSeconds: 30,
    logger: silentLogger,
    env: {},
    ...extra,
    ports: { output: recordingOutput(), ...extra.ports },
  };
}

/** The redirect URI an authorization URL sends (where the listener waits). */
export function redirectUriOf(authorizationUrl: string): URL {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error(`no redirect_uri in ${authorizationUrl}`);
  return new URL(redirectUri);
}

/** A port the OS just handed out and released, for tests of an explicit `redirectUri`. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves with the connection error code, or 'connected'. Bounded: 3 s. */
export function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/**
 * Addresses of this machine other than 127.0.0.1: its non-loopback interfaces, plus
 * 127.0.0.2 (on Linux all of 127/8 reaches the loopback interface, so a socket bound to the
 * wildcard would answer there; one bound to 127.0.0.1 does not).
 */
export function otherLocalAddresses(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((infos) =>
    (infos ?? []).filter((info) => !info.internal && info.family === 'IPv4').map((info) => info.address),
  );
  return process.platform === 'linux' ? ['127.0.0.2', ...addresses] : addresses;
}

/** Fails after `ms` instead of letting a hang run into the test timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
