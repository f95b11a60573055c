import type { IdpPlugin } from '@oidcflow/core';

/** The plugin's name, as `explain()` and error messages show it. */
export const IDP_NAME = 'example-login';

export interface ExampleLoginOptions {
  /**
   * Host names of the IdP's tenants. Example Login's issuers look like
   * `https://<tenant>.login.example.com/`.
   * @default any host under `login.example.com`
   */
  hosts?: readonly string[];
}

function hostOf(issuer: string): string | undefined {
  try {
    return new URL(issuer).hostname;
  } catch {
    return undefined;
  }
}

/**
 * "Example Login", a fictional IdP that, like oidc-provider, understands no `audience`
 * parameter: an API is named with an RFC 8707 resource indicator. The quirk is data
 * (`audienceParameter`); core then sends the `audience` option as `resource` in the
 * authorization and token requests and checks that it is an absolute URI.
 */
export function createExampleLoginPlugin(options: ExampleLoginOptions = {}): IdpPlugin {
  const matchesHost = (host: string) =>
    options.hosts
      ? options.hosts.includes(host)
      : host === 'login.example.com' || host.endsWith('.login.example.com');
  return {
    kind: 'idp',
    specificationVersion: 'v2', // written for plugin specification v2 (a literal: see docs/plugins.md)
    name: IDP_NAME,
    matches: ({ issuer }) => {
      const host = hostOf(issuer);
      return host !== undefined && matchesHost(host);
    },
    audienceParameter: 'resource',
  };
}

/** What `oidcflow-conformance --plugin` (and any loader) calls. */
export const createPlugin = (): IdpPlugin => createExampleLoginPlugin();
