import {
  checkIssuedTo,
  tokenFile,
  workloadAuth,
  workloadSupport,
  workloadUnavailable,
} from '../support/workload.js';
import type { Scenario } from './scenario.js';

export const workloadKubernetes: Scenario = {
  name: 'workload Kubernetes',
  summary: "a pod's projected service account token file becomes the IdP's token, with no secret",
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'kubernetes'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    const path = await tokenFile(cell, 'token', await ciIssuer.signKubernetesToken({ audience }));
    const tokens = await workloadAuth(cell, clients.kubernetes, { kind: 'kubernetes', path }).getTokens();
    return `token for ${checkIssuedTo(cell, tokens, 'kubernetes')} from a projected token file`;
  },
};
