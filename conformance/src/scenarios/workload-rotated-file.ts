import { writeFile } from 'node:fs/promises';
import {
  checkIssuedTo,
  expectRefused,
  tokenFile,
  workloadAuth,
  workloadSupport,
  workloadUnavailable,
} from '../support/workload.js';
import type { Scenario } from './scenario.js';

export const workloadRotatedFile: Scenario = {
  name: 'workload rotated file',
  summary:
    'the token file is read again at every grant: once the kubelet rotates it, the next grant of the same auth object uses the new token',
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable: (target) => workloadUnavailable(target, 'rotated-file'),
  async run(cell) {
    const { ciIssuer, clients, audience } = workloadSupport(cell);
    // The file still holds a token that has run out, as when the kubelet is late to rotate it.
    const stale = await ciIssuer.signKubernetesToken({ audience, expired: true });
    const path = await tokenFile(cell, 'token', stale);
    const auth = workloadAuth(cell, clients.kubernetes, { kind: 'kubernetes', path });
    const first = await expectRefused(() => auth.getTokens(), stale);
    // Written in place, as the kubelet's atomic writer leaves it for the reader.
    await writeFile(path, await ciIssuer.signKubernetesToken({ audience }), { mode: 0o600 });
    const tokens = await auth.getTokens();
    return `stale file refused (${first.split(':')[0]}); after rotation, token for ${checkIssuedTo(cell, tokens, 'kubernetes')}`;
  },
};
