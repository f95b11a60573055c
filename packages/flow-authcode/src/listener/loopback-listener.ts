import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, type Logger, OidcflowError, silentLogger } from '@oidcflow/core';
import {
  failurePage,
  invalidCallbackPage,
  METHOD_NOT_ALLOWED_PAGE,
  MISDIRECTED_PAGE,
  NOT_FOUND_PAGE,
  type ResultPage,
  sendPage,
} from '../pages/result-page.js';
import { type CallbackTarget, redirectUriFor } from './callback-target.js';

/**
 * What a request on the callback path is:
 * - `accept`: this login's authorization response, well formed;
 * - `ignore`: not this login's (no or another `state`): answered with a 400 page while the
 *   listener keeps waiting, so a stray tab or a forged request cannot end the login;
 * - `refuse`: this login's `state`, but the response fails a check (RFC 9207 `iss`, its
 *   form). The state is spent, so the login ends (`CALLBACK_INVALID`).
 */
export type CallbackVerdict =
  | { kind: 'accept' }
  | { kind: 'ignore'; reason: string }
  | { kind: 'refuse'; reason: string };

export interface LoopbackListenerOptions {
  target: CallbackTarget;
  /** Decides whether a request on the callback path is the response this login waits for. */
  check(parameters: URLSearchParams): CallbackVerdict;
  log?: Logger;
}

/** The one response that carried this login's state; the browser waits for `respond`. */
export interface ReceivedCallback {
  /** The redirect URI with the response's query, as openid-client expects `currentUrl`. */
  url: URL;
  /** Set when the response carried the right state but failed a check: the login must end. */
  refusal?: string;
  respond(status: number, page: ResultPage): Promise<void>;
}

function listenError(error: NodeJS.ErrnoException, target: CallbackTarget): OidcflowError {
  const where = `${target.bindHost}:${target.port}`;
  const change =
    target.portOption === 'redirectUri'
      ? 'Stop the program that uses it, or register and set another redirectUri port'
      : `Stop the program that uses it, or set the callbackPort option to a free port (or to 0 to let the system choose one, if the IdP accepts any loopback port)`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new OidcflowError(
        ErrorCode.CALLBACK_PORT_IN_USE,
        `Port ${target.port} on ${target.bindHost} is already in use, so the login listener cannot start ` +
          `(another login may be running). ${change}.`,
        { cause: error, flow: 'auth_code' },
      );
    case 'EACCES':
      return new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `Not allowed to listen on ${where} (ports below 1024 need privileges). Use a port above 1023 in ${target.portOption}.`,
        { cause: error, flow: 'auth_code' },
      );
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `${target.bindHost} is not an address of this machine, so the login listener cannot bind it. ` +
          'Use 127.0.0.1 as callbackHost (or in redirectUri).',
        { cause: error, flow: 'auth_code' },
      );
    default:
      return new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        `The login listener could not start on ${where}: ${error.message}.`,
        { cause: error, flow: 'auth_code' },
      );
  }
}

/** How many OS-chosen ports to try when [::1] has the one 127.0.0.1 got (port 0 only). */
const DUAL_BIND_ATTEMPTS = 5;

function listenOn(
  host: string,
  port: number,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Server> {
  const server = createServer(handler);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // Browsers hold idle keep-alive sockets open; without this, close() waits for them.
    server.closeAllConnections();
  });
}

function describeAddress(server: Server): string {
  const address = server.address() as AddressInfo;
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

/**
 * Binds the target: its one address, or for `localhost` 127.0.0.1 and then ::1 on the same
 * port. A machine without IPv6 loopback has no [::1] for anyone to take; [::1] held by another
 * process is refused (the browser could send the code there), and with an OS-chosen port
 * another pair is tried.
 */
async function listenAll(
  target: CallbackTarget,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Server[]> {
  for (let attempt = 1; ; attempt++) {
    let first: Server;
    try {
      first = await listenOn(target.bindHost, target.port, handler);
    } catch (error) {
      throw listenError(error as NodeJS.ErrnoException, target);
    }
    if (!target.bindsBothLoopbacks) return [first];
    const port = (first.address() as AddressInfo).port;
    try {
      return [first, await listenOn('::1', port, handler)];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [first];
      await closeServer(first);
      if (code === 'EADDRINUSE' && target.port === 0 && attempt < DUAL_BIND_ATTEMPTS) continue;
      throw listenError(error as NodeJS.ErrnoException, { ...target, bindHost: '::1', port });
    }
  }
}

/**
 * The RFC 8252 loopback listener. Serves one path, takes one authorization response (the
 * first that `check` does not ignore), answers everything else with a 404, 405 or 400 page,
 * and closes every connection when closed so nothing keeps the process alive.
 */
export class LoopbackListener {
  /** Resolves with the accepted response; rejects when the listener closes first. */
  readonly callback: Promise<ReceivedCallback>;
  private resolveCallback!: (callback: ReceivedCallback) => void;
  private rejectCallback!: (error: unknown) => void;
  private accepted = false;
  private pendingResponse: ServerResponse | undefined;
  private closing: Promise<void> | undefined;

  /** Where the redirect URI points (`127.0.0.1:8765`, `localhost:8765`): the only Host answered. */
  private readonly expectedHost: string;

  private constructor(
    private readonly servers: Server[],
    private readonly options: LoopbackListenerOptions,
    /** The exact redirect URI to send, with the bound port. */
    readonly redirectUri: string,
  ) {
    this.callback = new Promise((resolve, reject) => {
      this.resolveCallback = resolve;
      this.rejectCallback = reject;
    });
    // A listener closed without a response is not an unhandled rejection by itself.
    this.callback.catch(() => {});
    this.expectedHost = new URL(redirectUri).host.toLowerCase();
  }

  static async start(options: LoopbackListenerOptions): Promise<LoopbackListener> {
    const { target } = options;
    let listener: LoopbackListener | undefined;
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      listener?.handle(request, response).catch((error: unknown) => {
        (options.log ?? silentLogger).debug(`login listener: answering a request failed: ${String(error)}`);
        response.destroy();
      });
    };
    const servers = await listenAll(target, handler);
    const port = (servers[0]!.address() as AddressInfo).port;
    listener = new LoopbackListener(servers, options, redirectUriFor(target, port));
    (options.log ?? silentLogger).debug(
      `login listener on ${servers.map((server) => describeAddress(server)).join(' and ')}, redirect URI ${listener.redirectUri}`,
    );
    return listener;
  }

  /** The bound address (for tests and diagnostics). */
  address(): AddressInfo {
    return this.servers[0]!.address() as AddressInfo;
  }

  /** Every bound address: one, or 127.0.0.1 and ::1 for a `localhost` redirect URI. */
  addresses(): AddressInfo[] {
    return this.servers.map((server) => server.address() as AddressInfo);
  }

  get listening(): boolean {
    return this.servers.every((server) => server.listening);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const log = this.options.log ?? silentLogger;
    // DNS rebinding: a web page at attacker.example whose name now resolves to 127.0.0.1 can
    // reach this port from the user's own browser, but its requests carry its own Host.
    if ((request.headers.host ?? '').toLowerCase() !== this.expectedHost) {
      log.debug(`login listener: refused a request for Host ${JSON.stringify(request.headers.host ?? '')}`);
      await sendPage(response, 421, MISDIRECTED_PAGE);
      return;
    }
    const requestUrl = new URL(request.url ?? '/', this.redirectUri);
    if (requestUrl.pathname !== this.options.target.path) {
      await sendPage(response, 404, NOT_FOUND_PAGE);
      return;
    }
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      await sendPage(response, 405, METHOD_NOT_ALLOWED_PAGE);
      return;
    }
    if (this.accepted || this.closing) {
      log.debug('login listener: refused a second response on the callback path');
      await sendPage(
        response,
        400,
        invalidCallbackPage('This login already received its response, and a response is used only once.'),
      );
      return;
    }
    const verdict = this.options.check(requestUrl.searchParams);
    if (verdict.kind === 'ignore') {
      log.debug(`login listener: ignored a response: ${verdict.reason}`);
      await sendPage(response, 400, invalidCallbackPage(verdict.reason));
      return;
    }
    this.accepted = true;
    this.pendingResponse = response;
    const url = new URL(this.redirectUri);
    url.search = requestUrl.search;
    this.resolveCallback({
      url,
      ...(verdict.kind === 'refuse' ? { refusal: verdict.reason } : {}),
      respond: async (status, page) => {
        if (this.pendingResponse !== response) return;
        this.pendingResponse = undefined;
        await sendPage(response, status, page);
      },
    });
  }

  /** Stops listening and drops every connection; idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.rejectCallback(
      new OidcflowError(ErrorCode.LOGIN_ABORTED, 'The login listener closed before the browser returned.', {
        flow: 'auth_code',
      }),
    );
    const pending = this.pendingResponse;
    if (pending) {
      this.pendingResponse = undefined;
      await sendPage(pending, 500, failurePage('The login stopped before it completed.')).catch(() => {});
    }
    await Promise.all(this.servers.map(closeServer));
  }
}
