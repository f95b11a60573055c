import {
  expectRefused,
  tokenFile,
  workloadAuth,
  workloadSupport,
  workloadUnavailable,
} from '../support/workload.js';
import type { Scenario } from './scenario.js';

export const workloadWrongAudience: Scenario = {
  name: 'workload wrong audience',
  summary: 'a platform token for another audience is refused, and the error does not carry it',
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'wrong-audience'),
  async run(cell) {
    const { ciIssuer, clients } = workloadSupport(cell);
    const token = await ciIssuer.signKubernetesToken({ audience: 'https://elsewhere.oidcflow.test' });
    const path = await tokenFile(cell, 'token', token);
    const said = await expectRefused(
      () => workloadAuth(cell, clients.kubernetes, { kind: 'file', path }).getTokens(),
      token,
    );
    return `refused: ${said}`;
  },
};
