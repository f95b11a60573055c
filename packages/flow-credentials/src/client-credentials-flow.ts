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
} from '@oidcflow/core';

/** The plugin specification this flow was written for (not the installed core's constant). */
const WRITTEN_FOR = 'v2';

export const CLIENT_CREDENTIALS_FLOW_NAME = 'client_credentials';
const GRANT_TYPE = 'client_credentials';

export interface ClientCredentialsFlowOptions {
  /** Rank among client flows `auto` may pick. @default 10 */
  priority?: number;
}

function supports(context: FlowSupportContext): FlowSupport {
  if (!context.metadata.token_endpoint) {
    return {
      supported: false,
      reason: 'the IdP advertises no token_endpoint (set the tokenEndpoint option)',
    };
  }
  const grants = context.metadata.grant_types_supported;
  if (grants && !grants.includes(GRANT_TYPE)) {
    return { supported: false, reason: `the IdP does not list ${GRANT_TYPE} in grant_types_supported` };
  }
  return { supported: true, reason: 'the IdP has a token endpoint for the client credentials grant' };
}

/**
 * RFC 6749 §4.4: one token request, authenticated with the client's secret (basic or post,
 * as the IdP advertises) or a private_key_jwt assertion. There is no refresh token: core asks
 * for a new grant, under the cache lock, when the cached token expires.
 */
async function run(context: FlowRunContext): Promise<TokenSet> {
  if (context.clientAuthMethod === 'none') {
    throw new OidcflowError(
      ErrorCode.CLIENT_SECRET_MISSING,
      `The client credentials grant needs the secret of client "${context.clientId}": set the clientSecret option ` +
        'or the OIDCFLOW_CLIENT_SECRET environment variable (or privateKeyPath / OIDCFLOW_PRIVATE_KEY_PATH for private_key_jwt).',
      { flow: CLIENT_CREDENTIALS_FLOW_NAME },
    );
  }
  const parameters: Record<string, string | readonly string[]> = { ...context.adjustments.tokenParameters };
  if (context.scopes.length > 0) parameters.scope = context.scopes.join(' ');
  try {
    return await context.protocol.grant(GRANT_TYPE, parameters);
  } catch (error) {
    throw toOidcflowError(
      error,
      'issue a token for the client credentials grant',
      CLIENT_CREDENTIALS_FLOW_NAME,
    );
  }
}

/** The client credentials grant, for explicit registration. */
export function createClientCredentialsFlow(options: ClientCredentialsFlowOptions = {}): FlowPlugin {
  return defineFlow(WRITTEN_FOR, {
    name: CLIENT_CREDENTIALS_FLOW_NAME,
    family: 'client',
    priority: options.priority ?? 10,
    supports,
    run,
  });
}

/** What core loads when @oidcflow/flow-credentials is installed. */
export const createPlugin: FlowPluginFactory = () => createClientCredentialsFlow();
