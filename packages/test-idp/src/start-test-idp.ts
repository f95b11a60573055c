import { generateKeyPairSync, type JsonWebKey, randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import Provider, { type ProviderContext, errors as providerErrors } from 'oidc-provider';
import { CLAIMS_BY_SCOPE, findAccount, TEST_USER, TEST_USERS, type TestUser } from './account.js';
import {
  JWT_BEARER_GRANT_TYPE,
  registerWorkloadGrants,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TrustedWorkloadIssuer,
} from './ci-identity/workload-grants.js';
import { clientMetadata, generateClients, NATIVE_CLIENT_ID, type TestIdpClients } from './clients.js';
import { renderError, successSource, userCodeConfirmSource, userCodeInputSource } from './pages.js';
import { RecordingRequestLog, type RequestLog } from './request-log.js';
import { recordRequest } from './request-recorder.js';
import { ResponseScript, type ResponseScriptControl } from './token-script.js';

/** Lifetimes in seconds; shorter ones make expiry tests quick. */
export interface TestIdpLifetimes {
  accessToken?: number;
  refreshToken?: number;
  deviceCode?: number;
  idToken?: number;
}

export interface TestIdpOptions {
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Host the issuer URL names; the server always listens on 127.0.0.1. @default '127.0.0.1' */
  hostname?: string;
  /** Port to listen on. @default 0 (the OS chooses) */
  port?: number;
  lifetimes?: TestIdpLifetimes;
  /**
   * Adds `interval` to device authorization responses (oidc-provider sends none, so clients
   * wait the RFC 8628 default of 5 s). Tests set 1 to run quickly.
   */
  deviceIntervalSeconds?: number;
  /** Resource servers (RFC 8707 resource indicators) the IdP accepts. @default ['https://api.example.test'] */
  resources?: readonly string[];
  /**
   * Enables DPoP (RFC 9449, oidc-provider's `features.dPoP`); `requireNonce` makes the token
   * endpoint answer `use_dpop_nonce` to a proof without the server's nonce.
   */
  dpop?: boolean | { requireNonce?: boolean };
  /**
   * Path of the issuer URL, kept byte for byte: `'/'` (an issuer ending in a slash, as Auth0's
   * does), `'/realms/x'`, `'/tenant/v2.0/'`. The provider is mounted under it. @default '' (the origin)
   */
  issuerPath?: string;
  /**
   * Trust a workload issuer (a `startCiIdentityIssuer()`): the IdP then takes its tokens in
   * RFC 8693 token exchange (`subject_token`, type jwt or id_token; its own JWT access tokens
   * too, type access_token) and in the RFC 7523 JWT bearer grant (`assertion`), for the public
   * client `clients.ciWorkload`; and `clients.ciFederated` authenticates with private_key_jwt
   * against the issuer's keys. Subject tokens must carry `aud` = this IdP's issuer unless
   * `audience` says otherwise.
   */
  workloadIssuer?: TrustedWorkloadIssuer & { jwks: { keys: readonly object[] } };
}

/** An oidc-provider running in this process on 127.0.0.1, with demo clients and two users. */
export interface TestIdp {
  /** The issuer URL: the origin, plus `issuerPath` when one was given. */
  readonly issuer: string;
  /** The origin the server answers on (the issuer without its path). */
  readonly url: string;
  readonly port: number;
  readonly clients: TestIdpClients;
  /** The user tests log in as unless they say otherwise: alice (`users.alice`). */
  readonly user: TestUser;
  /** Every user (alice and bob), for tests of several accounts. */
  readonly users: typeof TEST_USERS;
  /** Resource indicators the IdP accepts as audiences. */
  readonly resources: readonly string[];
  /** Every request the IdP received, for tests that count round trips. */
  readonly requests: RequestLog;
  /** Scripted answers that replace the provider's for matching requests. */
  readonly script: ResponseScriptControl;
  stop(): Promise<void>;
}

const DEFAULT_RESOURCES = ['https://api.example.test'] as const;

/**
 * Starts the embedded IdP: authorization code + PKCE, device flow, client credentials,
 * refresh-token rotation, resource indicators and revocation, for the clients in `clients.ts`.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const clients = generateClients();
  const requests = new RecordingRequestLog();
  const script = new ResponseScript();
  const resources = [...(options.resources ?? DEFAULT_RESOURCES)];
  const lifetimes = options.lifetimes ?? {};

  // The issuer names the port, so the server listens before the provider exists.
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const mountPath = (options.issuerPath ?? '').replace(/\/+$/, '');
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    if (handler && mountPath && !unmount(request, mountPath)) {
      response.statusCode = 404;
      response.end();
    } else if (handler) handler(request, response);
    else {
      response.statusCode = 503;
      response.end();
    }
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://${options.hostname ?? '127.0.0.1'}:${port}`;
  const issuer = `${origin}${options.issuerPath ?? ''}`;

  const idpKey = signingKey();
  const extraClaims = new WeakMap<object, Record<string, unknown>>();
  const workloadGrantTypes = [TOKEN_EXCHANGE_GRANT_TYPE, JWT_BEARER_GRANT_TYPE];
  const resourceServerInfo = (resourceIndicator: string) => ({
    scope: 'api:read',
    audience: resourceIndicator,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  });
  const provider = new Provider(issuer, {
    clients: clientMetadata(
      clients,
      options.workloadIssuer
        ? { jwks: options.workloadIssuer.jwks, grantTypes: workloadGrantTypes }
        : undefined,
    ),
    findAccount,
    claims: CLAIMS_BY_SCOPE,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    jwks: { keys: [idpKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true, userCodeInputSource, userCodeConfirmSource, successSource },
      clientCredentials: { enabled: true },
      dPoP: {
        enabled: Boolean(options.dpop),
        nonceSecret: randomBytes(32),
        requireNonce: () => typeof options.dpop === 'object' && options.dpop.requireNonce === true,
      },
      // Only the client a token was issued to may revoke or introspect it.
      revocation: { enabled: true, allowedPolicy: ownTokenOnly },
      introspection: { enabled: true, allowedPolicy: ownTokenOnly },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_context: unknown, _client: unknown, oneOf?: string | string[]) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_context: unknown, resourceIndicator: string) => {
          if (!resources.includes(resourceIndicator)) {
            throw new providerErrors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          }
          return resourceServerInfo(resourceIndicator);
        },
      },
    },
    // RFC 7636 required for the public code client; optional for the confidential one, so
    // `pkce: false` can be tested.
    pkce: {
      required: (_context: unknown, client: { clientId: string }) => client.clientId === NATIVE_CLIENT_ID,
    },
    // A refresh token for every client allowed the grant, without asking for offline_access.
    issueRefreshToken: async (_context: unknown, client: { grantTypeAllowed(grant: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: lifetimes.accessToken ?? 3600,
      ClientCredentials: lifetimes.accessToken ?? 3600,
      IdToken: lifetimes.idToken ?? 3600,
      RefreshToken: lifetimes.refreshToken ?? 86_400,
      DeviceCode: lifetimes.deviceCode ?? 600,
      Grant: 86_400,
      Interaction: 3600,
      Session: 86_400,
    },
    renderError,
    conformIdTokenClaims: false,
    // The workload grants' claims about their subject (see ci-identity/workload-grants.ts).
    extraTokenClaims: async (_context: unknown, token: object) => extraClaims.get(token),
  });
  provider.use(async (context: ProviderContext, next: () => Promise<void>) => {
    const entry = await recordRequest(requests, context);
    const scripted = script.take({ path: entry.path, ...pick(entry) });
    if (scripted) {
      context.status = scripted.status;
      for (const [name, value] of Object.entries(scripted.headers ?? {})) context.set(name, value);
      context.type =
        scripted.contentType ?? (typeof scripted.body === 'string' ? 'text/plain' : 'application/json');
      context.body = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
      return;
    }
    await next();
    if (
      options.deviceIntervalSeconds !== undefined &&
      entry.path === '/device/auth' &&
      context.status === 200
    ) {
      context.body = {
        ...(context.body as Record<string, unknown>),
        interval: options.deviceIntervalSeconds,
      };
    }
    if (entry.clientId === undefined && context.oidc?.client) entry.clientId = context.oidc.client.clientId;
  });
  if (options.workloadIssuer) {
    registerWorkloadGrants(provider, {
      trusted: options.workloadIssuer,
      ownKeys: { keys: [publicPart(idpKey)] },
      resources,
      resourceServerInfo,
      extraClaims,
    });
  }
  // oidc-provider reports every OAuth error it answers; tests expect many of them.
  provider.silent = true;
  handler = provider.callback();

  return {
    issuer,
    url: origin,
    port,
    clients,
    user: TEST_USER,
    users: TEST_USERS,
    resources,
    requests,
    script,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Strips the mount path from a request under it, the way a framework mounts a sub-app:
 * oidc-provider reads `originalUrl` to build its URLs under the issuer's path.
 */
function unmount(request: IncomingMessage, mountPath: string): boolean {
  const url = request.url ?? '/';
  if (url !== mountPath && !url.startsWith(`${mountPath}/`) && !url.startsWith(`${mountPath}?`)) return false;
  (request as IncomingMessage & { originalUrl?: string }).originalUrl = url;
  const rest = url.slice(mountPath.length);
  request.url = rest.startsWith('/') ? rest : `/${rest}`;
  return true;
}

async function ownTokenOnly(
  _context: unknown,
  client: { clientId: string },
  token: { clientId?: string },
): Promise<boolean> {
  return token.clientId === client.clientId;
}

function pick(entry: { grantType?: string; clientId?: string }): { grantType?: string; clientId?: string } {
  return {
    ...(entry.grantType ? { grantType: entry.grantType } : {}),
    ...(entry.clientId ? { clientId: entry.clientId } : {}),
  };
}

function publicPart(key: JsonWebKey): JWK {
  const { kty, n, e, kid, alg, use } = key as JWK;
  return { kty, n, e, kid, alg, use } as JWK;
}

function signingKey(): JsonWebKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    use: 'sig',
    alg: 'RS256',
    kid: `test-${randomBytes(6).toString('hex')}`,
  } as JsonWebKey;
}
