import type { FlowPlugin, FlowRunContext } from '@oidcflow/core';
import { createAuthCodeFlow } from '@oidcflow/flow-authcode';

/** The flow's name: pass it as the `flow` option. */
export const PROMPT_LOGIN_FLOW_NAME = 'auth_code_prompt_login';

/**
 * The authorization code flow with `prompt=login`: the IdP asks for the password every time,
 * even when the browser still has a session. For shared terminals and for "switch account".
 * A third-party flow can build on a first-party one: it only changes what is sent.
 */
export function createPromptLoginFlow(): FlowPlugin {
  const base = createAuthCodeFlow({ priority: 90 });
  return {
    ...base,
    name: PROMPT_LOGIN_FLOW_NAME,
    run: (context: FlowRunContext) =>
      base.run({
        ...context,
        adjustments: {
          ...context.adjustments,
          authorizationParameters: { ...context.adjustments.authorizationParameters, prompt: 'login' },
        },
      }),
  };
}

/** What `oidcflow-conformance --plugin` (and any loader) calls. */
export const createPlugin = (): FlowPlugin => createPromptLoginFlow();
