import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { otherLocalAddresses, tryConnect } from '../../test/helpers.js';
import { plainRequest } from '../../test/http-request.js';
import { failurePage, successPage } from '../pages/result-page.js';
import type { CallbackTarget } from './callback-target.js';
import { type CallbackVerdict, LoopbackListener } from './loopback-listener.js';

const target = (port = 0): CallbackTarget => ({
  bindHost: '127.0.0.1',
  port,
  path: '/callback',
  uriHost: '127.0.0.1',
  portOption: 'callbackPort',
});
const byState = (parameters: URLSearchParams): CallbackVerdict => {
  const state = parameters.get('state');
  if (state === 'good') return { kind: 'accept' };
  if (state === 'good-but-bad-iss') return { kind: 'refuse', reason: 'wrong iss' };
  return { kind: 'ignore', reason: 'wrong state <here>' };
};

/** Fails after `ms` instead of letting a hang run into the test timeout. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(async () => {
      socket.destroy();
    });
  });
}

/** Resolves with everything the server sent once it hung up. */
function untilServerHangsUp(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(received));
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function startListener(
  settings: {
    port?: number;
    target?: CallbackTarget;
    check?: (parameters: URLSearchParams) => CallbackVerdict;
  } = {},
) {
  const listener = await LoopbackListener.start({
    target: settings.target ?? target(settings.port ?? 0),
    check: settings.check ?? byState,
  });
  cleanups.push(() => listener.close());
  return listener;
}

describe('LoopbackListener', () => {
  it('binds 127.0.0.1 only, on the OS-chosen port, named in the redirect URI', async () => {
    const listener = await startListener();
    const address = listener.address();
    expect(address.address).toBe('127.0.0.1');
    expect(address.family).toBe('IPv4');
    expect(address.port).toBeGreaterThan(0);
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${address.port}/callback`);
    expect(await tryConnect('127.0.0.1', address.port)).toBe('connected');
    // Other addresses of this machine (its network interfaces, 127.0.0.2 on Linux) get nothing.
    const others = otherLocalAddresses();
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(await tryConnect(other, address.port), other).not.toBe('connected');
  });

  it('answers other paths with 404 and other methods with 405, and keeps waiting', async () => {
    const listener = await startListener();
    const base = `http://127.0.0.1:${listener.address().port}`;
    expect((await plainRequest(`${base}/favicon.ico`)).status).toBe(404);
    expect((await plainRequest(`${base}/callback/../other?state=good&code=x`)).status).toBe(404);
    const post = await plainRequest(`${listener.redirectUri}?state=good&code=x`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    const callback = listener.callback;
    const answer = plainRequest(`${listener.redirectUri}?state=good&code=abc`);
    const received = await callback;
    expect(received.url.searchParams.get('code')).toBe('abc');
    await received.respond(200, successPage('idp.example.com'));
    expect((await answer).status).toBe(200);
  });

  it('refuses a response that fails the check with a 400 page, and still accepts the right one', async () => {
    const listener = await startListener();
    const wrong = await plainRequest(`${listener.redirectUri}?state=bad&code=stolen`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('wrong state &lt;here&gt;');
    expect(wrong.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(wrong.headers['referrer-policy']).toBe('no-referrer');
    const answer = plainRequest(`${listener.redirectUri}?state=good&code=real`);
    const received = await listener.callback;
    expect(received.url.href).toBe(`${listener.redirectUri}?state=good&code=real`);
    await received.respond(200, successPage('idp.example.com'));
    const page = await answer;
    expect(page.status).toBe(200);
    expect(page.body).toContain('Login succeeded');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('accepts a response once: a replay of the same valid response is refused', async () => {
    const listener = await startListener();
    const first = plainRequest(`${listener.redirectUri}?state=good&code=one`);
    const received = await listener.callback;
    const replay = await plainRequest(`${listener.redirectUri}?state=good&code=one`);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatch(/used only once/);
    await received.respond(200, successPage('idp.example.com'));
    expect((await first).status).toBe(200);
  });

  it('hands over a response with the right state that fails a check, marked as refused, and only once', async () => {
    const listener = await startListener();
    const answer = plainRequest(`${listener.redirectUri}?state=good-but-bad-iss&code=x`);
    const received = await listener.callback;
    expect(received.refusal).toBe('wrong iss');
    expect((await plainRequest(`${listener.redirectUri}?state=good&code=y`)).status).toBe(400);
    await received.respond(400, failurePage('refused'));
    expect((await answer).status).toBe(400);
  });

  it('answers even a keep-alive request with Connection: close and hangs up', async () => {
    const listener = await startListener();
    const socket = await openSocket(listener.address().port);
    const hungUp = untilServerHangsUp(socket);
    socket.write(
      `GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:${listener.address().port}\r\nConnection: keep-alive\r\n\r\n`,
    );
    const received = await within(hungUp, 5_000, 'the listener hanging up after its answer');
    expect(received).toMatch(/^HTTP\/1\.1 404 /);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(listener.listening).toBe(true);
  });

  it('refuses a request whose Host is not the redirect URI host:port (DNS rebinding), on every path', async () => {
    const seen: string[] = [];
    const listener = await startListener({
      check: (parameters) => {
        seen.push(parameters.get('state') ?? '');
        return byState(parameters);
      },
    });
    const port = listener.address().port;
    for (const host of [`attacker.example:${port}`, '127.0.0.1', `localhost:${port}`, '']) {
      const socket = await openSocket(port);
      const hungUp = untilServerHangsUp(socket);
      const hostLine = host ? `Host: ${host}\r\n` : '';
      socket.write(`GET /callback?state=good&code=x HTTP/1.1\r\n${hostLine}Connection: close\r\n\r\n`);
      const received = await within(hungUp, 5_000, `the answer for Host ${host}`);
      expect(received, host).toMatch(/^HTTP\/1\.1 (421|400) /);
    }
    expect(seen).toEqual([]);
  });

  it('for localhost binds 127.0.0.1 and ::1 on one port, or refuses when another process holds [::1]', async () => {
    const both = await startListener({
      target: { ...target(), uriHost: 'localhost', bindsBothLoopbacks: true },
    });
    const families = both
      .addresses()
      .map((address) => `${address.family} ${address.address} ${address.port}`);
    const port = both.address().port;
    expect(families).toEqual([`IPv4 127.0.0.1 ${port}`, `IPv6 ::1 ${port}`]);
    await both.close();

    // Another process takes [::1] on the port first: the listener must not start beside it.
    const squatter = createServer((_request, response) => response.end('stolen'));
    await new Promise<void>((resolve) => squatter.listen({ host: '::1', port: 0 }, resolve));
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const taken = (squatter.address() as AddressInfo).port;
    const error = await LoopbackListener.start({
      target: { ...target(taken), uriHost: 'localhost', bindsBothLoopbacks: true },
      check: byState,
    }).then(
      () => undefined,
      (e: { code?: string; message?: string }) => e,
    );
    expect(error?.code).toBe('CALLBACK_PORT_IN_USE');
    expect(error?.message).toContain('::1');
    expect(await tryConnect('127.0.0.1', taken)).toBe('ECONNREFUSED');
  });

  it('once closed, has dropped idle connections (a browser preconnect) and refuses new ones', async () => {
    const listener = await startListener();
    const port = listener.address().port;
    const idle = await openSocket(port);
    const hungUp = untilServerHangsUp(idle);
    await within(listener.close(), 5_000, 'close() with an idle connection open');
    await within(hungUp, 5_000, 'the idle connection being dropped');
    expect(listener.listening).toBe(false);
    await expect(plainRequest(`http://127.0.0.1:${port}/callback?state=good&code=x`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await expect(listener.callback).rejects.toMatchObject({ code: 'LOGIN_ABORTED' });
  });

  it('closing while the browser waits for the result answers it with a failure page', async () => {
    const listener = await startListener();
    const answer = plainRequest(`${listener.redirectUri}?state=good&code=x`);
    await listener.callback;
    await within(listener.close(), 5_000, 'close() with a pending response');
    const page = await answer;
    expect(page.status).toBe(500);
    expect(page.body).toContain('Login failed');
  });

  it('respond() settles when the browser went away, so the login is not held up', async () => {
    const listener = await startListener();
    const outgoing = httpRequest(`${listener.redirectUri}?state=good&code=x`);
    outgoing.on('error', () => {});
    outgoing.end();
    const received = await listener.callback;
    outgoing.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await within(
      received.respond(200, successPage('idp.example.com')),
      5_000,
      'respond() after the client left',
    );
    await within(listener.close(), 5_000, 'close() after the client left');
  });

  it('a busy port is CALLBACK_PORT_IN_USE naming the port and the callbackPort option', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as AddressInfo).port;
    const failure = LoopbackListener.start({ target: target(port), check: byState });
    await expect(failure).rejects.toMatchObject({
      code: 'CALLBACK_PORT_IN_USE',
      message: expect.stringMatching(new RegExp(`Port ${port}[\\s\\S]*callbackPort[\\s\\S]*0`)),
    });
  });
});
