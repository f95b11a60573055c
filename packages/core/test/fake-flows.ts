import { type FlowPlugin, SPECIFICATION_VERSION, type TokenSet } from '../src/index.js';

/** Module loader that reports only the named packages as installed, with fake flows. */
export function loaderWith(installed: Record<string, FlowPlugin | 'cache-absent'>) {
  return async (specifier: string): Promise<unknown> => {
    const plugin = installed[specifier];
    if (plugin && plugin !== 'cache-absent') return { createPlugin: () => plugin };
    const error = new Error(`Cannot find package '${specifier}' imported from test`) as Error & {
      code: string;
    };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  };
}

export function fakeFlow(
  overrides: Partial<FlowPlugin> & Pick<FlowPlugin, 'name'>,
  run: FlowPlugin['run'] = async () => fakeTokens(),
): FlowPlugin {
  return {
    kind: 'flow',
    specificationVersion: SPECIFICATION_VERSION,
    needsBrowser: false,
    family: 'user',
    priority: 10,
    supports: () => ({ supported: true, reason: 'always' }),
    run,
    ...overrides,
  };
}

let counter = 0;
export function fakeTokens(lifetimeSeconds = 3600): TokenSet {
  counter += 1;
  return {
    accessToken: `fake-access-${counter}`,
    tokenType: 'Bearer',
    expiresAt: Date.now() + lifetimeSeconds * 1000,
  };
}

/** Stand-ins for the first-party flows, supporting what the metadata advertises. */
export const fakeAuthCode = () =>
  fakeFlow({
    name: 'auth_code',
    needsBrowser: true,
    priority: 100,
    supports: (context) =>
      context.metadata.authorization_endpoint
        ? { supported: true, reason: 'the IdP has an authorization endpoint' }
        : {
            supported: false,
            reason: 'the IdP advertises no authorization_endpoint (set authorizationEndpoint)',
          },
  });
export const fakeDevice = () =>
  fakeFlow({
    name: 'device',
    priority: 50,
    supports: (context) =>
      context.metadata.device_authorization_endpoint
        ? { supported: true, reason: 'the IdP has a device authorization endpoint' }
        : {
            supported: false,
            reason: 'the IdP advertises no device_authorization_endpoint (set deviceAuthorizationEndpoint)',
          },
  });
