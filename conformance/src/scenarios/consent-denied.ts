import { ErrorCode } from '@oidcflow/core';
import { FLOW_OF_KIND } from '../matrix/subject.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

export const consentDenied: Scenario = {
  name: 'consent denied',
  summary: 'refusing on the consent or device page ends the login with LOGIN_DENIED and caches nothing',
  flowKinds: ['browser', 'device'],
  notApplicable(target, subject) {
    return target.capabilities.consentDenial[FLOW_OF_KIND[subject.flowKind]]
      ? undefined
      : `${target.name} shows no consent page that can be refused for this client`;
  },
  async run(cell) {
    const { auth } = await cell.loggingInAuth({}, 'deny');
    const error = await expectErrorCode(() => auth.getAccessToken(), ErrorCode.LOGIN_DENIED);
    check(error.oauthError === 'access_denied', `the error carries "${error.oauthError}", not access_denied`);
    check(
      (await cell.cache.get(cell.cacheKey())) === undefined,
      'something was cached after a refused login',
    );
    return 'LOGIN_DENIED (access_denied), nothing cached';
  },
};
