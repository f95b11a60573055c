import {
  defineFlow,
  ErrorCode,
  type FlowPlugin,
  type FlowPluginFactory,
  type FlowRunContext,
  type FlowSupport,
  type FlowSupportContext,
  OidcflowError,
  type TokenSet,
  toOidcflowError,
  type WorkloadIdentityPort,
} from '@oidcflow/core';

/** The plugin specification this flow was written for (not the installed core's constant). */
const WRITTEN_FOR = 'v2';

/** The flow that spends the platform token as an RFC 7523 §2.1 assertion grant. */
export const JWT_BEARER_FLOW_NAME = 'jwt_bearer';
/** The flow that spends the platform token (or a user's token) as an RFC 8693 subject token. */
export const TOKEN_EXCHANGE_FLOW_NAME = 'token_exchange';
/** RFC 7523 §2.1 */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 §2.1 */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Options of `createJwtBearerFlow` and `createTokenExchangeFlow`. */
export interface WorkloadGrantFlowOptions {
  /** Rank among client flows `auto` may pick; core's workload identity names the flow itself. @default 5 */
  priority?: number;
}

function supports(context: FlowSupportContext): FlowSupport {
  if (!context.metadata.token_endpoint) {
    return {
      supported: false,
      reason: 'the IdP advertises no token_endpoint (set the tokenEndpoint option)',
    };
  }
  return { supported: true, reason: 'the IdP has a token endpoint for the grant' };
}

function platformToken(context: FlowRunContext, flow: string): WorkloadIdentityPort {
  if (!context.workloadIdentity) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `The ${flow} flow spends a platform token: set identitySource (--identity-source, OIDCFLOW_IDENTITY_SOURCE) to where it comes from, e.g. github, gitlab, kubernetes or file:PATH.`,
      { flow },
    );
  }
  return context.workloadIdentity;
}

function baseParameters(context: FlowRunContext): Record<string, string | readonly string[]> {
  const parameters: Record<string, string | readonly string[]> = { ...context.adjustments.tokenParameters };
  if (context.scopes.length > 0) parameters.scope = context.scopes.join(' ');
  return parameters;
}

async function grant(
  context: FlowRunContext,
  flow: string,
  grantType: string,
  parameters: Record<string, string | readonly string[]>,
): Promise<TokenSet> {
  try {
    return await context.protocol.grant(grantType, parameters);
  } catch (error) {
    throw toOidcflowError(error, `issue a token for the ${flow} grant`, flow);
  }
}

/**
 * RFC 7523 §2.1: the platform token is the `assertion` of the grant (Ory Hydra's trust
 * relationships, Okta, Google). Read fresh for this request; the client authenticates as core
 * configured it (often a public client: no secret at all).
 */
async function runJwtBearer(context: FlowRunContext): Promise<TokenSet> {
  const source = platformToken(context, JWT_BEARER_FLOW_NAME);
  const parameters = baseParameters(context);
  parameters.assertion = await source.read();
  return grant(context, JWT_BEARER_FLOW_NAME, JWT_BEARER_GRANT_TYPE, parameters);
}

/**
 * RFC 8693: the platform token (or a user's own token, from any identity source) is the
 * `subject_token`, for the `audience` (a common option, already among the token parameters),
 * `resource`s and `scope` asked.
 */
async function runTokenExchange(context: FlowRunContext): Promise<TokenSet> {
  const source = platformToken(context, TOKEN_EXCHANGE_FLOW_NAME);
  const { subjectTokenType, requestedTokenType, resources } = source.tokenExchange;
  const parameters = baseParameters(context);
  if (resources.length > 0) parameters.resource = resources;
  if (requestedTokenType) parameters.requested_token_type = requestedTokenType;
  parameters.subject_token_type = subjectTokenType;
  parameters.subject_token = await source.read();
  return grant(context, TOKEN_EXCHANGE_FLOW_NAME, TOKEN_EXCHANGE_GRANT_TYPE, parameters);
}

/** The JWT bearer grant (RFC 7523 §2.1) with the workload's platform token, for explicit registration. */
export function createJwtBearerFlow(options: WorkloadGrantFlowOptions = {}): FlowPlugin {
  return defineFlow(WRITTEN_FOR, {
    name: JWT_BEARER_FLOW_NAME,
    family: 'client',
    priority: options.priority ?? 5,
    supports,
    run: runJwtBearer,
  });
}

/** Token exchange (RFC 8693) with the workload's platform token as subject, for explicit registration. */
export function createTokenExchangeFlow(options: WorkloadGrantFlowOptions = {}): FlowPlugin {
  return defineFlow(WRITTEN_FOR, {
    name: TOKEN_EXCHANGE_FLOW_NAME,
    family: 'client',
    priority: options.priority ?? 5,
    supports,
    run: runTokenExchange,
  });
}

/** What core loads for `jwt_bearer` when @oidcflow/flow-credentials is installed. */
export const createJwtBearerPlugin: FlowPluginFactory = () => createJwtBearerFlow();
/** What core loads for `token_exchange` when @oidcflow/flow-credentials is installed. */
export const createTokenExchangePlugin: FlowPluginFactory = () => createTokenExchangeFlow();
