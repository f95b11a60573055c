import { accountOfTokens } from '../cache/account-ref.js';
import type { AuthenticationRequirements } from '../config/login-request.js';
import { toOidcflowError } from '../protocol/oauth-errors.js';
import type { CacheEntry } from '../spec/cache.js';
import type { FlowRunContext } from '../spec/flow.js';
import type { CachedMetadata } from '../spec/metadata.js';
import type { TokenSet } from '../spec/tokens.js';
import { checkAuthentication } from './authentication-check.js';
import { dpopHandle, newDpopKey } from './dpop.js';
import { requireDpopBound } from './dpop-binding.js';
import { authenticationRequirements } from './login-parameters.js';
import type { AuthRuntime } from './runtime.js';

/** What one login asks beyond the runtime's options: the account's `login_hint`, a step-up's requirements. */
export interface LoginOverrides {
  /** Added to the authorization (or device authorization) request, over the options' own. */
  parameters?: Record<string, string>;
  /** What the ID token must show, instead of what the options ask. */
  requirements?: AuthenticationRequirements;
  /**
   * Called just before a flow that signs a user in (`family: 'user'`) runs: before the browser
   * opens or the device code is shown. `inBrowser` tells a flow that opens the browser here
   * (`needsBrowser`) from one whose sign-in is approved elsewhere (the device flow's code),
   * which ends another account's IdP session alike when approved in that account's browser.
   */
  beforeUserSignIn?: (inBrowser: boolean) => void;
}

/** Runs the planned flow once and returns the entry to cache (tokens, flow, metadata, DPoP key, account). */
export async function login(
  runtime: AuthRuntime,
  cachedMetadata: CachedMetadata | undefined,
  forceLogin: boolean,
  overrides: LoginOverrides = {},
): Promise<CacheEntry> {
  const now = () => runtime.ports.clock.now();
  const { metadata } = await runtime.metadata(cachedMetadata, now());
  const { plugin, session, support, adjustments, wantsDpop, protocol } = await runtime.loginPlan(metadata);
  runtime.logger.debug(`logging in with the ${plugin.name} flow`);
  // A new key per login: the tokens of this login are bound to it, and it is cached with them.
  const dpopKey = wantsDpop ? await newDpopKey() : undefined;
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
    protocol: dpop ? await runtime.protocolPort(session, plugin.name, dpop) : protocol,
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
  if (plugin.family === 'user') overrides.beforeUserSignIn?.(plugin.needsBrowser);
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
