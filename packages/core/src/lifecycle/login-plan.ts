import { detectEnvironment } from '../config/environment.js';
import type { ResolvedIdentity } from '../config/resolve-identity.js';
import type { Settings } from '../config/settings.js';
import type { DPoPHandle, OpenIdSession } from '../protocol/openid-session.js';
import type { Registry } from '../registry/registry.js';
import { noFlowAvailable, selectFlow } from '../registry/select-flow.js';
import type { FlowPlugin, FlowSupportContext, RequestAdjustments } from '../spec/flow.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { CachedMetadata, ServerMetadata } from '../spec/metadata.js';
import type { PromptOutput } from '../spec/ports.js';
import type { ProtocolPort } from '../spec/protocol.js';
import type { WorkloadIdentity } from '../workload/workload-identity.js';
import { requestAdjustments } from './idp-context.js';

/**
 * What this module reads of a runtime (`AuthRuntime` has it), kept narrow so the runtime can
 * load this module on first use without the two importing each other.
 */
export interface PlanView {
  readonly settings: Settings;
  readonly identity: ResolvedIdentity;
  readonly ports: { readonly output: PromptOutput };
  registry(): Promise<Registry>;
  idps(metadata?: ServerMetadata): IdpPlugin[];
  openIdSession(metadata: ServerMetadata): Promise<OpenIdSession>;
  protocolPort(session: OpenIdSession, flow: string, dpop?: DPoPHandle): Promise<ProtocolPort>;
  workload(): Promise<WorkloadIdentity | undefined>;
}

/**
 * What flows are asked `supports()` with: the metadata, the environment, the credentials. With
 * a workload identity, `auto` means the flow of the way its token is spent (`workload.use`).
 */
export function supportContext(
  runtime: PlanView,
  metadata: CachedMetadata,
  workload: WorkloadIdentity | undefined,
): FlowSupportContext {
  const { requestedFlow } = runtime.settings;
  return {
    metadata: metadata.document,
    environment: detectEnvironment(
      runtime.settings.env,
      process.platform,
      Boolean(runtime.ports.output.isTTY),
    ),
    hasClientSecret: Boolean(runtime.settings.clientSecret),
    hasPrivateKey: Boolean(runtime.settings.privateKeyPath),
    requestedFlow:
      workload && requestedFlow === 'auto' ? workload.flow(metadata.document, requestedFlow) : requestedFlow,
  };
}

async function chooseFlow(runtime: PlanView, support: FlowSupportContext): Promise<FlowPlugin> {
  const registry = await runtime.registry();
  const selection = selectFlow(registry.flows, support, runtime.settings.family);
  if (!selection.chosen) throw noFlowAvailable(selection.decisions);
  return selection.chosen;
}

/**
 * What a login decides before it runs the flow: the flow, the openid-client session, the
 * request adjustments, the environment, whether DPoP is wanted, and (without DPoP) the
 * protocol port. All of it follows from the runtime and the metadata document, so it is worked
 * out once per runtime and document (`AuthRuntime.metadata` hands back the same document while
 * it stays fresh), not again for every login.
 */
export interface LoginPlan {
  document: ServerMetadata;
  plugin: FlowPlugin;
  session: OpenIdSession;
  support: FlowSupportContext;
  adjustments: RequestAdjustments;
  wantsDpop: boolean;
  /** The port without DPoP; a DPoP login makes its own (a new key each time). */
  protocol: ProtocolPort;
}

/**
 * Works out the login plan for `metadata` (`AuthRuntime.loginPlan` keeps it while the document
 * stays the same).
 */
export async function makeLoginPlan(runtime: PlanView, metadata: CachedMetadata): Promise<LoginPlan> {
  const support = supportContext(runtime, metadata, await runtime.workload());
  const plugin = await chooseFlow(runtime, support);
  const session = await runtime.openIdSession(metadata.document);
  return {
    document: metadata.document,
    plugin,
    session,
    support,
    adjustments: requestAdjustments(runtime, metadata.document, plugin.name),
    wantsDpop: runtime.settings.dpop || runtime.idps(metadata.document).some((idp) => idp.requiresDpop),
    protocol: await runtime.protocolPort(session, plugin.name),
  };
}
