import {
  expectRefused,
  tokenFile,
  workloadAuth,
  workloadSupport,
  workloadUnavailable,
} from '../support/workload.js';
import { UNTRUSTED_SUBJECT } from '../targets/workload-identity.js';
import type { Scenario } from './scenario.js';

export const workloadWrongSubject: Scenario = {
  name: 'workload wrong subject',
  summary: 'a token of the trusted issuer for a subject the IdP does not trust is refused',
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'wrong-subject'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    // Signed by the trusted issuer for the right audience: only the subject is wrong.
    const token = await ciIssuer.signGitHubToken({ audience, claims: { sub: UNTRUSTED_SUBJECT } });
    const path = await tokenFile(cell, 'token', token);
    const said = await expectRefused(
      () => workloadAuth(cell, clients.github, { kind: 'file', path }).getTokens(),
      token,
    );
    return `${UNTRUSTED_SUBJECT} refused: ${said}`;
  },
};
