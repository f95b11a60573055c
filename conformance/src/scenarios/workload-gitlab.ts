import { checkIssuedTo, workloadAuth, workloadSupport, workloadUnavailable } from '../support/workload.js';
import type { Scenario } from './scenario.js';

/** The `id_tokens:` variable the job's .gitlab-ci.yml declares (its name is the user's choice). */
const ID_TOKEN_VARIABLE = 'OIDCFLOW_ID_TOKEN';

export const workloadGitLab: Scenario = {
  name: 'workload GitLab',
  summary: "a GitLab CI job's id_tokens variable becomes the IdP's token, with no secret",
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'gitlab'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    const idToken = await ciIssuer.signGitLabToken({ audience });
    const auth = workloadAuth(
      cell,
      clients.gitlab,
      { kind: 'gitlab', variable: ID_TOKEN_VARIABLE },
      { GITLAB_CI: 'true', [ID_TOKEN_VARIABLE]: idToken },
    );
    const tokens = await auth.getTokens();
    return `token for ${checkIssuedTo(cell, tokens, 'gitlab')} from $${ID_TOKEN_VARIABLE}`;
  },
};
