import { type IdpPlugin, SPECIFICATION_VERSION } from '@oidcflow/core';

/**
 * oidc-provider understands no `audience` parameter; it takes RFC 8707 resource indicators.
 * This IdP plugin tells core to send the `audience` option as `resource` to one issuer.
 */
export function resourceIndicatorsFor(issuer: string): IdpPlugin {
  return {
    kind: 'idp',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'oidc-provider-resource-indicators',
    matches: (input) => input.issuer === issuer,
    audienceParameter: 'resource',
  };
}
