import type { FlowSupportContext } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { createDeviceFlow, createPlugin } from './device-flow.js';

function supportContext(metadata: FlowSupportContext['metadata']): FlowSupportContext {
  return {
    metadata,
    environment: { browserAvailable: false, browserReason: 'no DISPLAY', interactive: false },
    hasClientSecret: false,
    hasPrivateKey: false,
    requestedFlow: 'auto',
  };
}

describe('the device flow plugin', () => {
  it('is a user flow that needs no browser, below auth_code', () => {
    const plugin = createPlugin();
    expect(plugin).toMatchObject({
      kind: 'flow',
      specificationVersion: 'v2',
      name: 'device',
      family: 'user',
      needsBrowser: false,
      priority: 50,
    });
    expect(createDeviceFlow({ priority: 120 }).priority).toBe(120);
  });

  it('supports an IdP with a device authorization endpoint', () => {
    const support = createPlugin().supports(
      supportContext({
        issuer: 'https://idp.example.test',
        device_authorization_endpoint: 'https://idp.example.test/device',
      }),
    );
    expect(support.supported).toBe(true);
  });

  it('declines an IdP without one, naming the option that would fix it', () => {
    const support = createPlugin().supports(supportContext({ issuer: 'https://idp.example.test' }));
    expect(support.supported).toBe(false);
    expect(support.reason).toContain('deviceAuthorizationEndpoint');
  });
});
