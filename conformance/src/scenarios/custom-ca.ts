import { ErrorCode } from '@oidcflow/core';
import { FLOW_KINDS } from '../matrix/subject.js';
import type { RunningTarget } from '../targets/target.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

/** Where the target is served with a private CA: its issuer, or its HTTPS endpoint beside HTTP. */
function privateCaEndpoint(target: RunningTarget): { issuer: string; caCertPath: string } | undefined {
  if (!target.capabilities.customCa) return undefined;
  if (target.caCertPath) return { issuer: target.issuer, caCertPath: target.caCertPath };
  return target.tlsEndpoint;
}

export const customCa: Scenario = {
  name: 'custom CA',
  summary: 'an IdP behind a private CA fails with IDP_TLS_UNTRUSTED without caCertPath and works with it',
  flowKinds: FLOW_KINDS,
  notApplicable: (target) =>
    privateCaEndpoint(target) ? undefined : `${target.name} is not served with a private CA`,
  async run(cell) {
    const endpoint = privateCaEndpoint(cell.target);
    check(endpoint, `${cell.target.name} is not served with a private CA`);
    // Without the CA: the very first request (discovery) must be refused, before any browser.
    const untrusted = cell.auth({ issuer: endpoint.issuer, caCertPath: undefined });
    const error = await expectErrorCode(() => untrusted.getAccessToken(), ErrorCode.IDP_TLS_UNTRUSTED);
    check(!/eyJ/.test(error.message), 'the error message holds a token');
    const { tokens } = await cell.logIn({
      issuer: endpoint.issuer,
      caCertPath: endpoint.caCertPath,
    });
    check(tokens.accessToken.length > 0, `no access token from ${endpoint.issuer} with caCertPath`);
    const where = endpoint.issuer === cell.target.issuer ? '' : ' (its HTTPS endpoint beside HTTP)';
    return `IDP_TLS_UNTRUSTED without caCertPath; login works with it${where}`;
  },
};
