import type { OidcAuthOptions } from '@oidcflow/core';
import { FLOW_KINDS } from '../matrix/subject.js';
import { describeRequests, discoveryRequests } from '../support/traffic.js';
import { check, type Scenario } from './scenario.js';

function endpoint(metadata: Record<string, unknown>, name: string): string {
  const value = metadata[name];
  check(typeof value === 'string', `the IdP's metadata has no ${name}`);
  return value;
}

export const endpointOverrides: Scenario = {
  name: 'endpoint overrides',
  summary:
    'with every endpoint the flow needs given as an option, login works and no discovery request is made',
  flowKinds: FLOW_KINDS,
  async run(cell) {
    const metadata = await cell.metadata();
    const overrides: Partial<OidcAuthOptions> = { tokenEndpoint: endpoint(metadata, 'token_endpoint') };
    if (cell.subject.flowKind === 'browser')
      overrides.authorizationEndpoint = endpoint(metadata, 'authorization_endpoint');
    if (cell.subject.flowKind === 'device')
      overrides.deviceAuthorizationEndpoint = endpoint(metadata, 'device_authorization_endpoint');
    const meter = cell.meter();
    const mark = meter.mark();
    const { tokens } = await cell.logIn(overrides);
    check(tokens.accessToken.length > 0, 'no access token');
    if (!meter.seesRequests)
      return `logged in with ${Object.keys(overrides).join(', ')} (requests hidden by TLS)`;
    const requests = meter.since(mark);
    check(discoveryRequests(requests).length === 0, `discovery ran anyway: ${describeRequests(requests)}`);
    return `logged in with ${Object.keys(overrides).join(', ')}; 0 discovery requests`;
  },
};
