import type { JsonWebKey } from 'node:crypto';
import { accountOfEntry, accountOfTokens } from '../cache/account-ref.js';
import { cacheKeyFor } from '../cache/cache-key.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import { detectEnvironment } from '../config/environment.js';
import type { AuthenticationRequirements } from '../config/login-request.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { createDpopKey, dpopKeyPair } from '../protocol/dpop-key.js';
import { toOidcflowError } from '../protocol/oauth-errors.js';
import { createProtocolPort } from '../protocol/openid-port.js';
import type { DPoPHandle, OpenIdSession } from '../protocol/openid-session.js';
import { type FlowDecision, noFlowAvailable, selectFlow } from '../registry/select-flow.js';
import type { AccountRef, CacheEntry } from '../spec/cache.js';
import type { FlowPlugin, FlowRunContext, FlowSupportContext, RequestAdjustments } from '../spec/flow.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import type { ProtocolPort } from '../spec/protocol.js';
import type { TokenKind, TokenSet } from '../spec/tokens.js';
import type { WorkloadIdentity, WorkloadIdentityReport } from '../workload/workload-identity.js';
import {
  type AccountTarget,
  checkLoginAccount,
  dropRejected,
  entryOfTarget,
  removeAccount,
  storeLogin,
  targetFor,
} from './accounts.js';

// With the slow path, for `accounts()` and `useAccount()`: one lazily loaded module, not two.
export { listAccounts, switchAccount } from './accounts.js';

import { checkAuthentication } from './authentication-check.js';
import { requireDpopBound } from './dpop-binding.js';
import { idTokenExpiresAt, isFresh } from './freshness.js';
import { type MetadataSource, requestAdjustments } from './idp-context.js';
import { authenticationRequirements } from './login-parameters.js';
import { RefreshRejected, refreshTokens } from './refresh.js';
import type { AuthRuntime } from './runtime.js';

export type ObtainMode = 'normal' | 'force-login';

/**
 * What flows are asked `supports()` with: the metadata, the environment, the credentials. With
 * a workload identity, `auto` means the flow of the way its token is spent (`workload.use`).
 */
function supportContext(
  runtime: AuthRuntime,
  metadata: CachedMetadata,
  workload: WorkloadIdentity | undefined,
): FlowSupportContext {
  const { requestedFlow } = runtime.settings;
  return {
    metadata: metadata.document,
    environment: detectEnvironment(
      runtime.settings.env,
      process.platform,
      Boolean(runtime.ports.output.isTTY),
    ),
    hasClientSecret: Boolean(runtime.settings.clientSecret),
    hasPrivateKey: Boolean(runtime.settings.privateKeyPath),
    requestedFlow:
      workload && requestedFlow === 'auto' ? workload.flow(metadata.document, requestedFlow) : requestedFlow,
  };
}

async function chooseFlow(runtime: AuthRuntime, support: FlowSupportContext): Promise<FlowPlugin> {
  const registry = await runtime.registry();
  const selection = selectFlow(registry.flows, support, runtime.settings.family);
  if (!selection.chosen) throw noFlowAvailable(selection.decisions);
  return selection.chosen;
}

/**
 * What a login decides before it runs the flow: the flow, the openid-client session, the
 * request adjustments, the environment, whether DPoP is wanted, and (without DPoP) the
 * protocol port. All of it follows from the runtime and the metadata document, so it is worked
 * out once per runtime and document (`AuthRuntime.metadata` hands back the same document while
 * it stays fresh), not again for every login.
 */
interface LoginPlan {
  document: ServerMetadata;
  plugin: FlowPlugin;
  session: OpenIdSession;
  support: FlowSupportContext;
  adjustments: RequestAdjustments;
  wantsDpop: boolean;
  /** The port without DPoP; a DPoP login makes its own (a new key each time). */
  protocol: ProtocolPort;
}

const plans = new WeakMap<AuthRuntime, LoginPlan>();

async function loginPlan(runtime: AuthRuntime, metadata: CachedMetadata): Promise<LoginPlan> {
  const kept = plans.get(runtime);
  if (kept?.document === metadata.document) return kept;
  const support = supportContext(runtime, metadata, await runtime.workload());
  const plugin = await chooseFlow(runtime, support);
  const session = await runtime.openIdSession(metadata.document);
  const plan: LoginPlan = {
    document: metadata.document,
    plugin,
    session,
    support,
    adjustments: requestAdjustments(runtime, metadata.document, plugin.name),
    wantsDpop: runtime.settings.dpop || runtime.idps(metadata.document).some((idp) => idp.requiresDpop),
    protocol: protocolPort(runtime, session, plugin.name),
  };
  plans.set(runtime, plan);
  return plan;
}

function protocolPort(
  runtime: AuthRuntime,
  session: OpenIdSession,
  flow: string,
  dpop?: DPoPHandle,
): ProtocolPort {
  return createProtocolPort(session, {
    scopes: runtime.identity.scopes,
    flow,
    now: () => runtime.ports.clock.now(),
    log: runtime.logger,
    ...(dpop ? { dpop } : {}),
  });
}

/** What one login asks beyond the runtime's options: the account's `login_hint`, a step-up's requirements. */
export interface LoginOverrides {
  /** Added to the authorization (or device authorization) request, over the options' own. */
  parameters?: Record<string, string>;
  /** What the ID token must show, instead of what the options ask. */
  requirements?: AuthenticationRequirements;
}

async function login(
  runtime: AuthRuntime,
  cachedMetadata: CachedMetadata | undefined,
  forceLogin: boolean,
  overrides: LoginOverrides = {},
): Promise<CacheEntry> {
  const now = () => runtime.ports.clock.now();
  const { metadata } = await runtime.metadata(cachedMetadata, now());
  const { plugin, session, support, adjustments, wantsDpop, protocol } = await loginPlan(runtime, metadata);
  runtime.logger.debug(`logging in with the ${plugin.name} flow`);
  // A new key per login: the tokens of this login are bound to it, and it is cached with them.
  const dpopKey = wantsDpop ? await createDpopKey() : undefined;
  const dpop = dpopKey ? await dpopHandle(session, dpopKey) : undefined;
  const settings = forceLogin ? { ...runtime.settings.login, forceLogin } : runtime.settings.login;
  const context: FlowRunContext = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    clientAuthMethod: session.authMethod,
    scopes: runtime.identity.scopes,
    metadata: metadata.document,
    settings,
    adjustments: overrides.parameters
      ? {
          ...adjustments,
          authorizationParameters: { ...adjustments.authorizationParameters, ...overrides.parameters },
        }
      : adjustments,
    environment: support.environment,
    protocol: dpop ? protocolPort(runtime, session, plugin.name, dpop) : protocol,
    ports: runtime.ports,
    log: runtime.logger,
  };
  if (runtime.settings.clientSecret) context.clientSecret = runtime.settings.clientSecret;
  if (runtime.identity.audience) context.audience = runtime.identity.audience;
  if (runtime.settings.signal) context.signal = runtime.settings.signal;
  const workload = await runtime.workload();
  if (workload) {
    context.workloadIdentity = workload.port((await runtime.http()).fetch, runtime.settings.signal);
  }
  const startedAt = now();
  let tokens: TokenSet;
  try {
    tokens = await plugin.run(context);
  } catch (error) {
    const failure = toOidcflowError(error, `log in with the ${plugin.name} flow`, plugin.name);
    // The IdP's refusal of a platform token says which claims it was shown (never the token).
    throw workload ? workload.annotate(failure, runtime.identity.clientId) : failure;
  }
  checkAuthentication(
    tokens,
    overrides.requirements ?? authenticationRequirements(runtime.settings.loginRequest),
    startedAt,
  );
  // An IdP without DPoP (or a v1 flow that bypasses the port) answers with a bearer token: refused.
  if (dpopKey) requireDpopBound(tokens, { ...runtime.identity, step: `${plugin.name} login` });
  const account = accountOfTokens(tokens);
  return {
    tokens,
    flow: plugin.name,
    metadata,
    savedAt: now(),
    ...(dpopKey ? { dpopKey } : {}),
    ...(account ? { account } : {}),
  };
}

async function dpopHandle(session: OpenIdSession, privateJwk: JsonWebKey): Promise<DPoPHandle> {
  return session.client.getDPoPHandle(session.configuration, await dpopKeyPair(privateJwk));
}

/**
 * What a login for a named account adds to the request: the name as `login_hint` (unless the
 * options hint already), and — for an account other than the current one — `prompt=login`
 * (unless the options say a prompt), because the IdP's browser session is most likely the
 * current account's, and the IdP would log that user in again without asking.
 */
function accountParameters(runtime: AuthRuntime, target: AccountTarget): LoginOverrides {
  const { loginHint, prompt } = runtime.settings.loginRequest;
  if (target.requested === undefined) return {};
  const parameters: Record<string, string> = {};
  if (!loginHint) parameters.login_hint = target.requested;
  if (!target.current && !prompt) parameters.prompt = 'login';
  return { parameters };
}

/** What a caller asked `obtainTokens` for. */
export interface ObtainRequest {
  mode: ObtainMode;
  /** The token whose freshness decides: an ID token near expiry is renewed although the access token is not. */
  kind: TokenKind;
  /** False: never log in (no browser, no prompt); `NOT_LOGGED_IN` when a login would be needed. */
  allowLogin: boolean;
  /** The account a login makes current (`login()`), rather than only obtaining its token. */
  makeCurrent?: boolean;
}

function notLoggedIn(runtime: AuthRuntime, kind: TokenKind): OidcflowError {
  const what = kind === 'id' ? 'ID token' : 'access token';
  return new OidcflowError(
    ErrorCode.NOT_LOGGED_IN,
    `No usable ${what} is cached for client "${runtime.identity.clientId}" at ${runtime.identity.issuer}, and logging in is not allowed here. Log in first with the same settings (oidcflow login, or login()), then try again.`,
  );
}

/** The error for an ID token asked of a login that yields none. */
export function idTokenUnavailable(runtime: AuthRuntime): OidcflowError {
  if (runtime.settings.family === 'client') {
    return new OidcflowError(
      ErrorCode.ID_TOKEN_UNAVAILABLE,
      'The client credentials grant yields no ID token (there is no user). Use the access token instead (getAccessToken(), or --token-type access).',
    );
  }
  return new OidcflowError(
    ErrorCode.ID_TOKEN_UNAVAILABLE,
    `The IdP issued no ID token to client "${runtime.identity.clientId}" (scopes asked: ${runtime.identity.scopes.join(' ') || 'none'}). Ask for the openid scope, or use the access token instead.`,
  );
}

/**
 * Steps 3 and 4 of the token lifecycle, under the cache lock: re-read (another process may
 * have done the work), refresh with cached metadata in one round trip, else log in. Freshness
 * is judged on the token of `request.kind`; a refresh that leaves no fresh ID token (the IdP
 * sent none and the previous one has expired) goes on to a login when an ID token is asked for.
 */
export async function obtainTokens(runtime: AuthRuntime, request: ObtainRequest): Promise<TokenSet> {
  const { cache } = runtime;
  const { mode, kind } = request;
  const now = () => runtime.ports.clock.now();
  // One lock for all the accounts of these settings: the current one's entry lists the others.
  return cache.withLock(
    runtime.key,
    async () => {
      const base = await cache.get(runtime.key);
      const target = targetFor(runtime, base, runtime.settings.account);
      const { key } = target;
      // A forced login ignores the cached tokens but still uses the cached metadata.
      const entry = entryOfTarget(target, target.current ? base : await cache.get(key));
      const usable = mode === 'force-login' ? undefined : entry;
      if (usable && isFresh(usable, now(), kind)) return usable.tokens;
      if (usable?.tokens.refreshToken) {
        try {
          const { metadata } = await runtime.metadata(usable.metadata, now());
          const session = await runtime.openIdSession(metadata.document);
          const adjustments = requestAdjustments(runtime, metadata.document, usable.flow);
          // A refresh of DPoP-bound tokens proves possession of the same key (RFC 9449 §5).
          const dpop = usable.dpopKey ? await dpopHandle(session, usable.dpopKey) : undefined;
          const tokens = await refreshTokens(session, usable.tokens, adjustments.tokenParameters, now, dpop);
          // Bound tokens stay bound: a Bearer answer is refused, and the bound entry is kept.
          if (usable.dpopKey) requireDpopBound(tokens, { ...runtime.identity, step: 'refresh' });
          // The account, the list of the others and the DPoP key stay with the refreshed tokens.
          const refreshed: CacheEntry = { ...usable, tokens, metadata, savedAt: now() };
          await cache.set(key, refreshed);
          runtime.logger.debug('refreshed the access token');
          if (isFresh(refreshed, now(), kind)) return tokens;
          runtime.logger.debug(
            'the refresh response carried no ID token and the cached one is about to expire; a login is needed for a new one',
          );
        } catch (error) {
          if (!(error instanceof RefreshRejected)) throw error;
          runtime.logger.debug('the refresh token was rejected (invalid_grant); logging in again');
          // Drop only the entry that failed: if it now holds another refresh token, another
          // process refreshed meanwhile (rotation), and its fresh entry must survive.
          const current = await cache.get(key);
          if (current?.tokens.refreshToken === usable.tokens.refreshToken)
            await dropRejected(runtime, target, current);
          else if (isUsableEntry(current) && isFresh(current, now(), kind)) return current.tokens;
        }
      }
      if (!request.allowLogin) throw notLoggedIn(runtime, kind);
      const fresh = await login(
        runtime,
        entry?.metadata ?? base?.metadata,
        mode === 'force-login',
        accountParameters(runtime, target),
      );
      checkLoginAccount(target, fresh.account);
      await storeLogin(runtime, await cache.get(runtime.key), target, fresh, request.makeCurrent ?? false);
      if (kind === 'id' && !fresh.tokens.idToken) throw idTokenUnavailable(runtime);
      return fresh.tokens;
    },
    runtime.settings.signal ? { signal: runtime.settings.signal } : undefined,
  );
}

export interface ExplainReport {
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
  requestedFlow: string;
  chosen?: string;
  flows: FlowDecision[];
  environment: { browserAvailable: boolean; browserReason: string; interactive: boolean };
  /** Which cache plugin holds the tokens, where, and why it was chosen (when the plugin says). */
  cache: { plugin: string; path?: string; reason?: string };
  /** `cache` when the metadata cached with the tokens was reused (no request at all). */
  metadataSource: MetadataSource;
  /** Set when the requested flow cannot run: the error's code and message. */
  problem?: { code: string; message: string };
  /** Whether an ID token can be had (`getIdToken()`, kubectl) and how it is renewed. */
  idToken: { available: boolean; renewal: string };
  /** With an identity source: which source gives the platform token and how it is spent, and why. */
  workloadIdentity?: WorkloadIdentityReport;
}

/** What `explain()` says about the ID token, from the settings and what is cached. */
function idTokenFacts(runtime: AuthRuntime, entry: CacheEntry | undefined): ExplainReport['idToken'] {
  if (runtime.settings.family === 'client') {
    return { available: false, renewal: 'none: the client credentials grant yields no ID token' };
  }
  if (!runtime.identity.scopes.includes('openid')) {
    return {
      available: false,
      renewal: 'none: the scopes do not include openid, so the IdP sends no ID token',
    };
  }
  const tokens = entry?.tokens;
  if (tokens?.idTokenCarriedOver) {
    const expiresAt = idTokenExpiresAt(tokens);
    const until = expiresAt ? ` until ${new Date(expiresAt).toISOString()}` : '';
    return {
      available: true,
      renewal: `this IdP's last refresh returned no ID token: the earlier one is used${until}, then a login is needed for a new one (a refresh cannot renew it)`,
    };
  }
  return {
    available: true,
    renewal:
      'renewed by refresh when the ID token is about to expire; if a refresh returns none, the earlier one is used while valid, then a login follows',
  };
}

/** What `obtainTokens` would do for a login, without logging in. */
export async function explain(runtime: AuthRuntime): Promise<ExplainReport> {
  const cachedEntry = await runtime.cache.get(runtime.key);
  const { metadata, source } = await runtime.metadata(cachedEntry?.metadata, runtime.ports.clock.now());
  const registry = await runtime.registry();
  const workload = await runtime.workload();
  const context = supportContext(runtime, metadata, workload);
  const { environment } = context;
  const report: ExplainReport = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    scopes: runtime.identity.scopes,
    requestedFlow: runtime.settings.requestedFlow,
    flows: [],
    environment,
    cache: { plugin: runtime.cache.name },
    metadataSource: source,
    idToken: idTokenFacts(runtime, isUsableEntry(cachedEntry) ? cachedEntry : undefined),
  };
  if (runtime.identity.audience) report.audience = runtime.identity.audience;
  if (workload) {
    report.workloadIdentity = await workload.explain(metadata.document, runtime.settings.requestedFlow);
  }
  const path = runtime.cache.resolvedCachePath(runtime.key);
  if (path) report.cache.path = path;
  if (runtime.cache.selectionReason) report.cache.reason = runtime.cache.selectionReason;
  try {
    const selection = selectFlow(registry.flows, context, runtime.settings.family);
    report.flows = selection.decisions;
    if (selection.chosen) report.chosen = selection.chosen.name;
    else {
      const error = noFlowAvailable(selection.decisions);
      report.problem = { code: error.code, message: error.message };
    }
  } catch (error) {
    const failure = error as { code: string; message: string };
    report.problem = { code: failure.code, message: failure.message };
    report.flows = selectFlow(
      registry.flows,
      { ...context, requestedFlow: 'auto' },
      runtime.settings.family,
    ).decisions.map((d) => ({
      ...d,
      chosen: false,
    }));
  }
  // No platform token here is the first thing to fix, whatever the flows say.
  const noToken = report.workloadIdentity?.problem;
  if (noToken) report.problem = noToken;
  return report;
}

/** What `logout()` did: whether tokens were removed and revoked, whose, and who is current now. */
export interface LogoutResult {
  removed: boolean;
  revoked: boolean;
  /** The account logged out, when the tokens had one. */
  account?: AccountRef;
  /** The account that became current in its place. */
  nowCurrent?: AccountRef;
}

/**
 * Drops the entry of the account `runtime.settings.account` (else the current one) and
 * revokes its tokens where the IdP advertises revocation. The other accounts stay.
 */
export async function logout(runtime: AuthRuntime): Promise<LogoutResult> {
  return runtime.cache.withLock(runtime.key, async () => {
    const { entry, account, nowCurrent } = await removeAccount(runtime, runtime.settings.account);
    const who = { ...(account ? { account } : {}), ...(nowCurrent ? { nowCurrent } : {}) };
    if (!entry) return { removed: account !== undefined, revoked: false, ...who };
    const revocationEndpoint = entry.metadata?.document.revocation_endpoint;
    if (!revocationEndpoint) return { removed: true, revoked: false, ...who };
    // A bad caCertPath fails the logout, as any other request would, not just the revocation.
    await runtime.http();
    try {
      const session = await runtime.openIdSession(entry.metadata!.document);
      const token = entry.tokens.refreshToken ?? entry.tokens.accessToken;
      const hint = entry.tokens.refreshToken ? 'refresh_token' : 'access_token';
      await session.client.tokenRevocation(session.configuration, token, { token_type_hint: hint });
      return { removed: true, revoked: true, ...who };
    } catch (error) {
      // The IdP's words (`invalid_client: …`) are what tells the user what went wrong.
      const failure = toOidcflowError(error, 'revoke the tokens');
      const said = failure instanceof Error ? failure.message : String(failure);
      runtime.logger.warn(
        `the tokens were removed from the cache, but revoking them at the IdP failed: ${said} They stay valid until they expire.`,
      );
      return { removed: true, revoked: false, ...who };
    }
  });
}

/** What an API asked of the login behind its token (RFC 9470 §3). */
export interface StepUpRequirement {
  acrValues?: readonly string[];
  maxAge?: number;
}

/** `acr_values "gold silver", max_age=0`: the requirement in the API's words, for messages. */
export function describeRequirement(requirement: StepUpRequirement): string {
  return [
    ...(requirement.acrValues ? [`acr_values "${requirement.acrValues.join(' ')}"`] : []),
    ...(requirement.maxAge !== undefined ? [`max_age=${requirement.maxAge}`] : []),
  ].join(', ');
}

/** Whether a kept stepped-up login still meets the requirement now (acr, and auth_time within max_age). */
function meets(entry: CacheEntry, requirement: StepUpRequirement, now: number): boolean {
  try {
    checkAuthentication(entry.tokens, requirement, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tokens of a login that meets `requirement` (RFC 9470 step-up): a kept stepped-up login while
 * fresh and still meeting it, else — only when `allowLogin` — one login with `acr_values` and
 * `max_age`, its ID token checked against them and its user against the current account's,
 * kept under the settings' key with the requirement (the ordinary tokens stay as they were).
 * Not allowed to log in: `STEP_UP_REQUIRED`, naming what the API asked for.
 */
export async function stepUp(
  runtime: AuthRuntime,
  requirement: StepUpRequirement,
  allowLogin: boolean,
  origin: string,
): Promise<CacheEntry> {
  const { cache } = runtime;
  const now = () => runtime.ports.clock.now();
  const words = describeRequirement(requirement);
  return cache.withLock(runtime.key, async () => {
    const base = await cache.get(runtime.key);
    const target = targetFor(runtime, base, runtime.settings.account);
    const known = target.expected ?? (target.current ? accountOfEntry(base) : undefined);
    const key = cacheKeyFor({ ...runtime.key, account: known?.sub, requirement: words });
    const kept = await cache.get(key);
    if (isUsableEntry(kept) && isFresh(kept, now()) && meets(kept, requirement, now())) return kept;
    // A login that already met it (oidcflow login --acr-values …) serves as well.
    const ordinary = entryOfTarget(target, target.current ? base : await cache.get(target.key));
    if (ordinary && isFresh(ordinary, now()) && meets(ordinary, requirement, now())) return ordinary;
    if (!allowLogin) {
      throw new OidcflowError(
        ErrorCode.STEP_UP_REQUIRED,
        `${origin} asks for a stronger login (${words}; RFC 9470 insufficient_user_authentication), and auth.fetch does not log in by itself when not interactive. Log in with those first — oidcflow login${requirement.acrValues ? ` --acr-values ${requirement.acrValues.join(',')}` : ''}${requirement.maxAge !== undefined ? ` --max-age ${requirement.maxAge}` : ''}, or login() with acrValues/maxAge — then call again.`,
      );
    }
    const parameters: Record<string, string> = {
      ...(requirement.acrValues ? { acr_values: requirement.acrValues.join(' ') } : {}),
      ...(requirement.maxAge !== undefined ? { max_age: String(requirement.maxAge) } : {}),
      // The same user, stronger: hinted to the IdP, and checked below.
      ...(known ? { login_hint: known.username ?? known.email ?? known.sub } : {}),
    };
    const fresh = await login(runtime, kept?.metadata ?? base?.metadata, false, {
      parameters,
      requirements: requirement,
    });
    if (known)
      checkLoginAccount({ key, current: false, expected: known, requested: known.sub }, fresh.account);
    await cache.set(key, fresh);
    return fresh;
  });
}
