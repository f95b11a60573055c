import { checkIssuedTo, workloadAuth, workloadSupport, workloadUnavailable } from '../support/workload.js';
import { check, type Scenario } from './scenario.js';

export const workloadGitHub: Scenario = {
  name: 'workload GitHub',
  summary:
    "a GitHub Actions job's OIDC token (asked from ACTIONS_ID_TOKEN_REQUEST_URL for the IdP's audience) becomes the IdP's token, with no secret",
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'github'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    const before = ciIssuer.gitHubRequests.length;
    const auth = workloadAuth(
      cell,
      clients.github,
      { kind: 'github' },
      {
        GITHUB_ACTIONS: 'true',
        ACTIONS_ID_TOKEN_REQUEST_URL: ciIssuer.gitHubActions.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ciIssuer.gitHubActions.requestToken,
      },
    );
    const tokens = await auth.getTokens();
    const requests = ciIssuer.gitHubRequests.slice(before);
    check(requests.length === 1, `the job's token was asked for ${requests.length} times, expected once`);
    check(requests[0]?.authorized, "the token request did not carry the job's request token");
    check(
      requests[0]?.audience === audience,
      `the job's token was asked for audience ${String(requests[0]?.audience)}, not ${audience}`,
    );
    return `token for ${checkIssuedTo(cell, tokens, 'github')}; GitHub token asked once, for ${audience}`;
  },
};
