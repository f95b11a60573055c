import type { FlowSupportContext, ServerMetadata } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { CLIENT_CREDENTIALS_FLOW_NAME, createClientCredentialsFlow, createPlugin } from './index.js';

function contextWith(metadata: Partial<ServerMetadata>): FlowSupportContext {
  return {
    metadata: { issuer: 'https://idp.example.test', ...metadata },
    environment: { browserAvailable: false, browserReason: 'CI is set', interactive: false },
    hasClientSecret: true,
    hasPrivateKey: false,
    requestedFlow: 'client_credentials',
  };
}

describe('the client credentials flow plugin', () => {
  it('is a non-interactive client flow named client_credentials', () => {
    const flow = createPlugin();
    expect(flow).toMatchObject({
      kind: 'flow',
      specificationVersion: 'v2',
      name: CLIENT_CREDENTIALS_FLOW_NAME,
      needsBrowser: false,
      family: 'client',
      priority: 10,
    });
    expect(createClientCredentialsFlow({ priority: 3 }).priority).toBe(3);
  });

  it('supports an IdP with a token endpoint that lists client_credentials', () => {
    const support = createPlugin().supports(
      contextWith({
        token_endpoint: 'https://idp.example.test/token',
        grant_types_supported: ['authorization_code', 'client_credentials'],
      }),
    );
    expect(support.supported).toBe(true);
  });

  it('supports an IdP that does not list its grant types (the list is optional)', () => {
    const support = createPlugin().supports(
      contextWith({ token_endpoint: 'https://idp.example.test/token' }),
    );
    expect(support).toEqual({ supported: true, reason: expect.any(String) });
  });

  it('declines without a token endpoint, saying which option supplies one', () => {
    const support = createPlugin().supports(contextWith({}));
    expect(support).toEqual({ supported: false, reason: expect.stringContaining('tokenEndpoint') });
  });

  it('declines when the IdP lists its grant types without client_credentials', () => {
    const support = createPlugin().supports(
      contextWith({
        token_endpoint: 'https://idp.example.test/token',
        grant_types_supported: ['authorization_code', 'refresh_token'],
      }),
    );
    expect(support).toEqual({ supported: false, reason: expect.stringContaining('grant_types_supported') });
  });
});
