import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpsServer } from './https-server.js';
import { createTokenChecker, type TokenRequirements } from './token-check.js';

/** One request the git server answered. */
export interface GitRequest {
  path: string;
  status: number;
  /** The Basic password's verdict, when one was sent. */
  verdict?: 'accepted' | 'refused';
  /** How an accepted token was checked: its signature against the JWKS, or at the userinfo endpoint (opaque). */
  checkedBy?: 'jwks' | 'userinfo';
  /** The `sub` of an accepted token: which user git came as. */
  subject?: string;
  reason?: string;
}

/** A git smart-HTTP server on 127.0.0.1 whose Basic password must be a valid token of the IdP. */
export interface GitServer {
  url: string;
  caCertPath: string;
  readonly requests: readonly GitRequest[];
  /** The passwords accepted so far, in order (kept in memory only, never printed). */
  readonly acceptedTokens: readonly string[];
  /** From now on `token` is refused, as a server does with a revoked token. */
  refuse(token: string): void;
  stop(): Promise<void>;
}

/**
 * `git http-backend` (CGI) behind an HTTPS server that checks the Basic password as a token
 * (see `createTokenChecker`) before git sees the request; no password → 401 with a Basic
 * challenge, so git asks its credential helper. `projectRoot` holds the bare repositories.
 */
export async function startGitServer(
  directory: string,
  projectRoot: string,
  requirements: TokenRequirements,
): Promise<GitServer> {
  const check = createTokenChecker(requirements);
  const requests: GitRequest[] = [];
  const acceptedTokens: string[] = [];
  const refused = new Set<string>();
  const challenge = (response: ServerResponse, record: GitRequest) => {
    requests.push(record);
    response.writeHead(401, {
      'www-authenticate': 'Basic realm="oidcflow test git"',
      'content-type': 'text/plain',
    });
    response.end('Unauthorized\n');
  };
  const server = await startHttpsServer(directory, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const basic = /^Basic (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!basic) {
      challenge(response, { path: url.pathname, status: 401 });
      return;
    }
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    const verdict = refused.has(password)
      ? Promise.resolve({ ok: false as const, reason: 'refused by the server (revoked)' })
      : check(password);
    verdict.then(
      (result) => {
        if (!result.ok) {
          challenge(response, { path: url.pathname, status: 401, verdict: 'refused', reason: result.reason });
          return;
        }
        if (acceptedTokens.at(-1) !== password) acceptedTokens.push(password);
        requests.push({
          path: url.pathname,
          status: 200,
          verdict: 'accepted',
          checkedBy: result.checkedBy,
          subject: String(result.claims.sub ?? ''),
        });
        runHttpBackend(request, response, url, projectRoot, String(result.claims.sub ?? ''));
      },
      (error: unknown) => {
        requests.push({ path: url.pathname, status: 500, reason: String(error) });
        response.writeHead(500).end();
      },
    );
  });
  return {
    url: server.url,
    caCertPath: server.caCertPath,
    requests,
    acceptedTokens,
    refuse: (token) => refused.add(token),
    stop: server.stop,
  };
}

/** Runs `git http-backend` as CGI for one request: headers up to the blank line, then the body. */
function runHttpBackend(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  projectRoot: string,
  remoteUser: string,
): void {
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      REMOTE_USER: remoteUser,
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  request.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    headersSent = true;
    response.write(head.subarray(end + 4));
  });
  backend.on('close', () => {
    if (!headersSent) response.writeHead(502);
    response.end();
  });
}
