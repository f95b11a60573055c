import {
  expectRefused,
  tokenFile,
  workloadAuth,
  workloadSupport,
  workloadUnavailable,
} from '../support/workload.js';
import type { Scenario } from './scenario.js';

export const workloadExpired: Scenario = {
  name: 'workload expired',
  summary: 'an expired platform token is refused, and the error does not carry it',
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'expired'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    const token = await ciIssuer.signKubernetesToken({ audience, expired: true });
    const path = await tokenFile(cell, 'token', token);
    const said = await expectRefused(
      () => workloadAuth(cell, clients.kubernetes, { kind: 'file', path }).getTokens(),
      token,
    );
    return `refused: ${said}`;
  },
};
