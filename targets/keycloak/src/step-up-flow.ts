import type { AdminCall, KeycloakAdmin } from './admin-api.js';
import { REALM_CLIENTS } from './realm-file.js';

/**
 * The step-up client's browser flow (Keycloak's "Creating a browser login flow with step-up
 * mechanism"): the SSO cookie, else level 1 (user name and password) and, when asked for,
 * level 2 (an OTP code), each behind a "Conditional - Level Of Authentication". The client maps
 * acr `silver` to level 1 and `gold` to level 2 (`acr.loa.map` in the realm file), so a login
 * with `acr_values=gold` asks for the code and its tokens say `acr: gold`; one without asks for
 * the password only (`acr: silver`).
 *
 * Made through the admin API after the start, not in the realm file: a realm file that lists
 * any authentication flow must list every built-in one too (Keycloak then creates none). It is
 * bound to that one client (`authenticationFlowBindingOverrides`): every other client keeps the
 * realm's default browser flow, so the rest of the matrix logs in exactly as before.
 */
export const STEP_UP_ACR = { password: 'silver', secondFactor: 'gold' } as const;

const FLOW = 'oidcflow-step-up';
/** Level 1 stays valid for the SSO session (10 h); level 2 for this login only (max age 0). */
const LEVELS = [
  { flow: `${FLOW}-level-1`, level: 1, maxAgeSeconds: 36_000, authenticator: 'auth-username-password-form' },
  { flow: `${FLOW}-level-2`, level: 2, maxAgeSeconds: 0, authenticator: 'auth-otp-form' },
] as const;

type Requirement = 'REQUIRED' | 'ALTERNATIVE' | 'CONDITIONAL';
/** One child of a flow: an authenticator (with its configuration) or a sub-flow. */
type Step =
  | {
      authenticator: string;
      requirement: Requirement;
      config?: { alias: string; config: Record<string, string> };
    }
  | { subFlow: string; requirement: Requirement };

/** Each flow's children, in order: parents before their sub-flows. */
const FLOWS: ReadonlyArray<{ alias: string; steps: readonly Step[] }> = [
  {
    alias: FLOW,
    steps: [
      { authenticator: 'auth-cookie', requirement: 'ALTERNATIVE' },
      { subFlow: `${FLOW}-forms`, requirement: 'ALTERNATIVE' },
    ],
  },
  {
    alias: `${FLOW}-forms`,
    steps: LEVELS.map((level) => ({ subFlow: level.flow, requirement: 'CONDITIONAL' as const })),
  },
  ...LEVELS.map((level) => ({
    alias: level.flow,
    steps: [
      {
        authenticator: 'conditional-level-of-authentication',
        requirement: 'REQUIRED' as const,
        config: {
          alias: `${level.flow}-condition`,
          config: { 'loa-condition-level': String(level.level), 'loa-max-age': String(level.maxAgeSeconds) },
        },
      },
      { authenticator: level.authenticator, requirement: 'REQUIRED' as const },
    ],
  })),
];

interface ExecutionInfo {
  id: string;
  level: number;
  index: number;
  requirement: string;
}

/** Creates the step-up flow and binds it to the step-up client's browser logins. */
export async function configureStepUpFlow(admin: KeycloakAdmin): Promise<void> {
  const call = await admin.session();
  const created = await call('POST', '/authentication/flows', {
    alias: FLOW,
    description: 'oidcflow conformance: password (acr silver), then OTP when acr gold is asked for',
    providerId: 'basic-flow',
    topLevel: true,
    builtIn: false,
  });
  const flowId = lastSegment(created.location, 'the new flow');
  for (const flow of FLOWS) await addSteps(call, flow.alias, flow.steps);
  await bindToClient(call, flowId);
}

/** Adds `steps` to the flow `alias`, then sets their requirements (each is added DISABLED). */
async function addSteps(call: AdminCall, alias: string, steps: readonly Step[]): Promise<void> {
  const under = `/authentication/flows/${encodeURIComponent(alias)}/executions`;
  for (const step of steps) {
    if ('subFlow' in step) {
      await call('POST', `${under}/flow`, { alias: step.subFlow, type: 'basic-flow', description: '' });
      continue;
    }
    const added = await call('POST', `${under}/execution`, { provider: step.authenticator });
    if (step.config) {
      const executionId = lastSegment(added.location, `the ${step.authenticator} execution`);
      await call('POST', `/authentication/executions/${executionId}/config`, step.config);
    }
  }
  // The flow's own children are level 0 of its (recursive) listing, in order.
  const listed = ((await call('GET', under)).body ?? []) as ExecutionInfo[];
  const children = listed.filter((execution) => execution.level === 0).sort((a, b) => a.index - b.index);
  if (children.length !== steps.length) {
    throw new Error(
      `the flow ${alias} has ${children.length} steps after the setup, expected ${steps.length}`,
    );
  }
  for (const [index, child] of children.entries()) {
    await call('PUT', under, { ...child, requirement: (steps[index] as Step).requirement });
  }
}

async function bindToClient(call: AdminCall, flowId: string): Promise<void> {
  const found = (await call('GET', `/clients?clientId=${encodeURIComponent(REALM_CLIENTS.stepUp)}`))
    .body as Array<{ id?: string } & Record<string, unknown>>;
  const client = found[0];
  if (!client?.id) throw new Error(`the realm file has no client ${REALM_CLIENTS.stepUp}`);
  await call('PUT', `/clients/${client.id}`, {
    ...client,
    authenticationFlowBindingOverrides: { browser: flowId },
  });
}

function lastSegment(location: string | undefined, what: string): string {
  const id = location?.split('/').pop();
  if (!id) throw new Error(`the admin API gave no Location for ${what}`);
  return id;
}
