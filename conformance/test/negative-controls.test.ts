// The scenarios must be able to fail: plugins with a known defect run through the same
// matrix and the cells that cover the defect must come out red.

import { type FlowPlugin, SPECIFICATION_VERSION } from '@oidcflow/core';
import { createAuthCodeFlow } from '@oidcflow/flow-authcode';
import { describe, expect, it } from 'vitest';
import { runMatrix } from '../src/matrix/run-matrix.js';
import { subjectForFlowPlugin } from '../src/matrix/subjects.js';
import { audience, login, wrongState } from '../src/scenarios/index.js';
import { createTarget } from '../src/targets/registry.js';

/** auth_code that forgets the audience and IdP-plugin parameters. */
function flowWithoutAdjustments(): FlowPlugin {
  const base = createAuthCodeFlow();
  return {
    ...base,
    name: 'auth_code_without_adjustments',
    run: (context) =>
      base.run({ ...context, adjustments: { authorizationParameters: {}, tokenParameters: {} } }),
  };
}

/** A flow that never gets a token: every login fails. */
const brokenFlow: FlowPlugin = {
  kind: 'flow',
  specificationVersion: SPECIFICATION_VERSION,
  name: 'always_fails',
  needsBrowser: false,
  family: 'client',
  priority: 1,
  supports: () => ({ supported: true, reason: 'always' }),
  run: async () => {
    throw new Error('this flow cannot log in');
  },
};

describe('negative controls', () => {
  it('fails the audience cell of a flow that drops the audience, and the login of a flow that cannot log in', async () => {
    const report = await runMatrix({
      subjects: [
        await subjectForFlowPlugin(flowWithoutAdjustments()),
        await subjectForFlowPlugin(brokenFlow),
      ],
      targets: [createTarget('oidc-provider-http')],
      scenarios: [login, audience, wrongState],
    });
    const status = (plugin: string, scenario: string) =>
      report.cells.find((cell) => cell.plugin === plugin && cell.scenario === scenario);
    const dropped = status('auth_code_without_adjustments', 'audience');
    expect(dropped?.status, dropped?.detail).toBe('failed');
    expect(dropped?.detail).toMatch(/aud/);
    expect(status('auth_code_without_adjustments', 'login')?.status).toBe('passed');
    const broken = status('always_fails', 'login');
    expect(broken?.status).toBe('failed');
    expect(broken?.detail).toMatch(/cannot log in/);
    expect(report.summary.failed).toBe(3);
  }, 120_000);
});
