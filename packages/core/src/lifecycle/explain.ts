import { isUsableEntry } from '../cache/usable-entry.js';
import type { ProfileReport } from '../config/with-profile.js';
import { type FlowDecision, noFlowAvailable, selectFlow } from '../registry/select-flow.js';
import type { CacheEntry } from '../spec/cache.js';
import type { WorkloadIdentityReport } from '../workload/workload-identity.js';
import { idTokenExpiresAt } from './freshness.js';
import type { MetadataSource } from './idp-context.js';
import { supportContext } from './login-plan.js';
import type { AuthRuntime } from './runtime.js';

/** What `explain()` returns: the flow chosen and why, and the cache state. */
export interface ExplainReport {
  issuer: string;
  clientId: string;
  scopes: string[];
  audience?: string;
  requestedFlow: string;
  chosen?: string;
  flows: FlowDecision[];
  environment: { browserAvailable: boolean; browserReason: string; interactive: boolean };
  /** Which cache plugin holds the tokens, where, and why it was chosen (when the plugin says). */
  cache: { plugin: string; path?: string; reason?: string };
  /** `cache` when the metadata cached with the tokens was reused (no request at all). */
  metadataSource: MetadataSource;
  /** Set when the requested flow cannot run: the error's code and message. */
  problem?: { code: string; message: string };
  /** Whether an ID token can be had (`getIdToken()`, kubectl) and how it is renewed. */
  idToken: { available: boolean; renewal: string };
  /** With an identity source: which source gives the platform token and how it is spent, and why. */
  workloadIdentity?: WorkloadIdentityReport;
  /** With the `profile` option: which options came from the profile (file and line), and which of its keys did not apply. */
  profile?: ProfileReport;
}

/** What `explain()` says about the ID token, from the settings and what is cached. */
function idTokenFacts(runtime: AuthRuntime, entry: CacheEntry | undefined): ExplainReport['idToken'] {
  if (runtime.settings.family === 'client') {
    return { available: false, renewal: 'none: the client credentials grant yields no ID token' };
  }
  if (!runtime.identity.scopes.includes('openid')) {
    return {
      available: false,
      renewal: 'none: the scopes do not include openid, so the IdP sends no ID token',
    };
  }
  const tokens = entry?.tokens;
  if (tokens?.idTokenCarriedOver) {
    const expiresAt = idTokenExpiresAt(tokens);
    const until = expiresAt ? ` until ${new Date(expiresAt).toISOString()}` : '';
    return {
      available: true,
      renewal: `this IdP's last refresh returned no ID token: the earlier one is used${until}, then a login is needed for a new one (a refresh cannot renew it)`,
    };
  }
  return {
    available: true,
    renewal:
      'renewed by refresh when the ID token is about to expire; if a refresh returns none, the earlier one is used while valid, then a login follows',
  };
}

/** What `obtainTokens` would do for a login, without logging in. */
export async function explain(runtime: AuthRuntime): Promise<ExplainReport> {
  const cachedEntry = await runtime.cache.get(runtime.key);
  const { metadata, source } = await runtime.metadata(cachedEntry?.metadata, runtime.ports.clock.now());
  const registry = await runtime.registry();
  const workload = await runtime.workload();
  const context = supportContext(runtime, metadata, workload);
  const { environment } = context;
  const report: ExplainReport = {
    issuer: runtime.identity.issuer,
    clientId: runtime.identity.clientId,
    scopes: runtime.identity.scopes,
    requestedFlow: runtime.settings.requestedFlow,
    flows: [],
    environment,
    cache: { plugin: runtime.cache.name },
    metadataSource: source,
    idToken: idTokenFacts(runtime, isUsableEntry(cachedEntry) ? cachedEntry : undefined),
  };
  if (runtime.identity.audience) report.audience = runtime.identity.audience;
  if (runtime.settings.profile) report.profile = runtime.settings.profile;
  if (workload) {
    report.workloadIdentity = await workload.explain(metadata.document, runtime.settings.requestedFlow);
  }
  const path = runtime.cachePath();
  if (path) report.cache.path = path;
  if (runtime.cache.selectionReason) report.cache.reason = runtime.cache.selectionReason;
  try {
    const selection = selectFlow(registry.flows, context, runtime.settings.family);
    report.flows = selection.decisions;
    if (selection.chosen) report.chosen = selection.chosen.name;
    else {
      const error = noFlowAvailable(selection.decisions);
      report.problem = { code: error.code, message: error.message };
    }
  } catch (error) {
    const failure = error as { code: string; message: string };
    report.problem = { code: failure.code, message: failure.message };
    report.flows = selectFlow(
      registry.flows,
      { ...context, requestedFlow: 'auto' },
      runtime.settings.family,
    ).decisions.map((d) => ({
      ...d,
      chosen: false,
    }));
  }
  // No platform token here is the first thing to fix, whatever the flows say.
  const noToken = report.workloadIdentity?.problem;
  if (noToken) report.problem = noToken;
  return report;
}
