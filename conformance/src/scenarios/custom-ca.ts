import { ErrorCode } from '@oidcflow/core';
import { check, expectErrorCode, type Scenario } from './scenario.js';

export const customCa: Scenario = {
  name: 'custom CA',
  summary: 'an IdP behind a private CA fails with IDP_TLS_UNTRUSTED without caCertPath and works with it',
  flowKinds: ['browser', 'device', 'client'],
  notApplicable: (target) =>
    target.capabilities.customCa && target.caCertPath
      ? undefined
      : `${target.name} is not served with a private CA`,
  async run(cell) {
    // Without the CA: the very first request (discovery) must be refused, before any browser.
    const untrusted = cell.auth({ caCertPath: undefined });
    const error = await expectErrorCode(() => untrusted.getAccessToken(), ErrorCode.IDP_TLS_UNTRUSTED);
    check(!/eyJ/.test(error.message), 'the error message holds a token');
    const { auth, driver } = await cell.loggingInAuth();
    const tokens = await auth.getTokens();
    await driver?.settled();
    check(tokens.accessToken.length > 0, 'no access token with caCertPath');
    return 'IDP_TLS_UNTRUSTED without caCertPath; login works with it';
  },
};
