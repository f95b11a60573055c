import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { FlowFamily } from '../spec/cache.js';
import type { FlowPlugin, FlowSupportContext } from '../spec/flow.js';
import { installHint } from './first-party.js';
import type { FlowRegistration } from './registry.js';

export interface FlowDecision {
  name: string;
  installed: boolean;
  chosen: boolean;
  reason: string;
}

export interface FlowSelection {
  chosen?: FlowPlugin;
  decisions: FlowDecision[];
}

/**
 * Chooses the flow, a pure function of the registrations and the context.
 *
 * A named flow: it must be known (else FLOW_UNKNOWN), installed (else FLOW_NOT_INSTALLED)
 * and supported by the IdP (else ENDPOINT_MISSING).
 *
 * `auto`, in this order:
 *   1. only installed flows of the family asked for (user flows for `OidcAuth`) that support the IdP;
 *   2. when no browser can be shown, a flow that needs none (device), if one qualifies;
 *   3. otherwise the highest priority: auth_code (100) before device (50), which is the
 *      reference API's rule "authorization endpoint, else device endpoint".
 * Every flow gets a decision with its reason, for `explain()`.
 */
export function selectFlow(
  registrations: readonly FlowRegistration[],
  context: FlowSupportContext,
  family: FlowFamily,
): FlowSelection {
  const requested = context.requestedFlow;
  const decisions: FlowDecision[] = [];
  const candidates: FlowPlugin[] = [];
  for (const registration of registrations) {
    const { plugin } = registration;
    if (!plugin) {
      decisions.push({
        name: registration.name,
        installed: false,
        chosen: false,
        reason: `package not installed: ${installHint(registration.packageName ?? registration.name)}`,
      });
      continue;
    }
    if (requested !== 'auto' && plugin.name === requested && plugin.family !== family) {
      throw new OidcflowError(
        ErrorCode.CONFIG_INVALID,
        family === 'user'
          ? `The ${requested} flow obtains tokens for the client itself, not a user: use OidcCredentialsAuth (oidcflow --flow ${requested}).`
          : `The ${requested} flow is a user login: use OidcAuth for it, not OidcCredentialsAuth.`,
        { flow: requested },
      );
    }
    if (requested !== 'auto' && plugin.name !== requested) {
      decisions.push({
        name: plugin.name,
        installed: true,
        chosen: false,
        reason: `flow "${requested}" was asked for`,
      });
      continue;
    }
    if (requested === 'auto' && plugin.family !== family) {
      decisions.push({
        name: plugin.name,
        installed: true,
        chosen: false,
        reason: family === 'user' ? 'not a user login (use OidcCredentialsAuth)' : 'not a client flow',
      });
      continue;
    }
    const support = plugin.supports(context);
    if (!support.supported) {
      decisions.push({ name: plugin.name, installed: true, chosen: false, reason: support.reason });
      continue;
    }
    candidates.push(plugin);
    decisions.push({ name: plugin.name, installed: true, chosen: false, reason: support.reason });
  }

  if (requested !== 'auto') {
    const registration = registrations.find((r) => r.name === requested);
    if (!registration) {
      const known = registrations.map((r) => r.name).join(', ');
      throw new OidcflowError(
        ErrorCode.FLOW_UNKNOWN,
        `Unknown flow "${requested}". Use "auto" or one of: ${known} (a third-party flow must be passed in plugins).`,
      );
    }
    if (!registration.plugin) {
      throw new OidcflowError(
        ErrorCode.FLOW_NOT_INSTALLED,
        `The ${requested} flow is not installed. Install it: ${installHint(registration.packageName ?? requested)}.`,
      );
    }
    const chosen = candidates[0];
    if (!chosen) {
      const reason = decisions.find((d) => d.name === requested)?.reason ?? 'not supported';
      throw new OidcflowError(
        ErrorCode.ENDPOINT_MISSING,
        `The ${requested} flow cannot run against this IdP: ${reason}.`,
        { flow: requested },
      );
    }
    markChosen(decisions, chosen.name, 'asked for');
    return { chosen, decisions };
  }

  const byPriority = [...candidates].sort((a, b) => b.priority - a.priority);
  let chosen = byPriority[0];
  let why = 'highest priority of the flows the IdP supports';
  if (!context.environment.browserAvailable) {
    const withoutBrowser = byPriority.find((plugin) => !plugin.needsBrowser);
    if (withoutBrowser) {
      chosen = withoutBrowser;
      why = `no browser can be shown (${context.environment.browserReason})`;
    } else if (chosen) {
      why = `no browser can be shown (${context.environment.browserReason}) and no flow without one is available; the URL will be printed`;
    }
  }
  if (chosen) markChosen(decisions, chosen.name, why);
  for (const decision of decisions) {
    if (!decision.chosen && decision.installed && candidates.some((c) => c.name === decision.name)) {
      decision.reason = `supported, but ${chosen?.name} was preferred`;
    }
  }
  return chosen ? { chosen, decisions } : { decisions };
}

function markChosen(decisions: FlowDecision[], name: string, why: string): void {
  const decision = decisions.find((d) => d.name === name);
  if (decision) {
    decision.chosen = true;
    decision.reason = `${decision.reason}; chosen: ${why}`;
  }
}

/** The NO_FLOW_AVAILABLE error, listing every flow and why it declined (one line, as every message). */
export function noFlowAvailable(decisions: readonly FlowDecision[]): OidcflowError {
  const each = decisions.map((d) => `${d.name}: ${d.reason}`).join('; ');
  return new OidcflowError(
    ErrorCode.NO_FLOW_AVAILABLE,
    `No login flow can run here (${each}). Install a flow package that fits, or give the missing endpoint as an option.`,
  );
}
