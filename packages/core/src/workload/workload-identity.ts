import { FLOW_OF_USE, type WorkloadSettings } from '../config/workload-settings.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { WorkloadIdentityPort } from '../spec/flow.js';
import type { IdentitySourcePlugin } from '../spec/identity-source.js';
import type { ServerMetadata } from '../spec/metadata.js';
import type { Plugin } from '../spec/plugin.js';
import { AUTO_SOURCE_NAMES, BUILTIN_IDENTITY_SOURCES } from './builtin-sources.js';
import { decideUse, type IdentityUse, JWT_TOKEN_TYPE, type UseDecision, useOfFlow } from './identity-use.js';
import {
  checkPlatformToken,
  describeClaims,
  type PlatformToken,
  type PlatformTokenClaims,
} from './platform-token.js';

/** One source and whether `auto` (or the setting) took it. */
export interface SourceDecision {
  name: string;
  present: boolean;
  chosen: boolean;
  reason: string;
}

/** Which identity source a grant would read from, and why: no request, no token read. */
export interface IdentitySourceReport {
  /** The source asked for: `auto`, or a name (with its argument). */
  requestedSource: string;
  /** The source a grant would read from; absent when none is present. */
  source?: string;
  sources: SourceDecision[];
  /** Why no source can give a token, when none can. */
  problem?: { code: string; message: string };
}

/** What `explain()` says about workload identity. */
export interface WorkloadIdentityReport extends IdentitySourceReport {
  /** The audience the platform token is asked for (where the source can ask). */
  audience: string;
  /** How the token would be spent. */
  use: IdentityUse;
  uses: UseDecision[];
}

interface ChosenSource {
  /** Absent when `auto` found none: `decisions` say why. */
  plugin?: IdentitySourcePlugin;
  argument?: string;
  decisions: SourceDecision[];
}

/** `name:argument` → its parts (the first colon splits: `command:a:b` keeps `a:b`). */
function parseSource(setting: string): { name: string; argument?: string } {
  const colon = setting.indexOf(':');
  if (colon < 0) return { name: setting };
  const argument = setting.slice(colon + 1);
  return { name: setting.slice(0, colon), ...(argument ? { argument } : {}) };
}

function noSourceFound(decisions: readonly SourceDecision[]): OidcflowError {
  return new OidcflowError(
    ErrorCode.IDENTITY_SOURCE_UNAVAILABLE,
    `identitySource auto found no platform token here: ${decisions.map((decision) => `${decision.name}: ${decision.reason}`).join('; ')}. Name the source (file:PATH, env:NAME, command:COMMAND, …) or run where the platform provides one.`,
  );
}

/**
 * The workload identity of one runtime: which source gives the platform token, how it is
 * spent, and the reading of it — fresh for every grant, checked before it is sent, never kept.
 * Only the claims of the last token sent are kept (iss, sub, aud, exp), so that the IdP's
 * refusal can say what it was shown.
 */
export class WorkloadIdentity {
  private chosen: Promise<ChosenSource> | undefined;
  private lastSent: { source: string; claims: PlatformTokenClaims } | undefined;

  /** The audience asked of the platform: the setting, else the issuer. */
  readonly audience: string;

  constructor(
    readonly settings: WorkloadSettings,
    issuer: string,
    private readonly plugins: readonly Plugin[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly now: () => number,
  ) {
    this.audience = settings.audience ?? issuer;
  }

  /** Third-party sources first (they were registered on purpose), then core's own. */
  private sources(): IdentitySourcePlugin[] {
    const given = this.plugins.filter(
      (plugin): plugin is IdentitySourcePlugin => plugin.kind === 'identity-source',
    );
    if (typeof this.settings.source === 'object') given.unshift(this.settings.source);
    return [
      ...given,
      ...BUILTIN_IDENTITY_SOURCES.filter((builtin) => !given.some((plugin) => plugin.name === builtin.name)),
    ];
  }

  /** The source setting as a person reads it. */
  get requestedSource(): string {
    return typeof this.settings.source === 'object' ? this.settings.source.name : this.settings.source;
  }

  /** The way the token is spent for this metadata and the flow asked for (`auto` or a name). */
  uses(metadata: ServerMetadata, requestedFlow: string): UseDecision[] {
    const named = this.settings.use !== 'auto' ? this.settings.use : useOfFlow(requestedFlow);
    return decideUse(metadata, named ?? 'auto');
  }

  use(metadata: ServerMetadata, requestedFlow: string): IdentityUse {
    return this.uses(metadata, requestedFlow).find((decision) => decision.chosen)?.use ?? 'client_assertion';
  }

  /** The flow that spends the token the way `use` says. */
  flow(metadata: ServerMetadata, requestedFlow: string): string {
    return FLOW_OF_USE[this.use(metadata, requestedFlow)];
  }

  /** The source a grant reads from: the one named, or under `auto` the first whose signs are present. */
  source(): Promise<ChosenSource> {
    if (!this.chosen) {
      const choosing = this.chooseSource();
      this.chosen = choosing;
      choosing.catch(() => {
        if (this.chosen === choosing) this.chosen = undefined;
      });
    }
    return this.chosen;
  }

  private async chooseSource(): Promise<ChosenSource> {
    const sources = this.sources();
    if (typeof this.settings.source === 'object') {
      const plugin = this.settings.source;
      const detection = await plugin.detect({ env: this.env });
      return { plugin, decisions: [{ name: plugin.name, ...detection, chosen: true }] };
    }
    const { name, argument } = parseSource(this.settings.source);
    if (name !== 'auto') {
      const plugin = sources.find((candidate) => candidate.name === name);
      if (!plugin) {
        throw new OidcflowError(
          ErrorCode.CONFIG_INVALID,
          `identitySource "${name}" names no identity source. Use auto, ${sources.map((source) => source.name).join(', ')} (file, env, command and spiffe take :PATH, :NAME, :COMMAND), or register a plugin of kind identity-source.`,
        );
      }
      const detection = await plugin.detect({ env: this.env, ...(argument ? { argument } : {}) });
      return {
        plugin,
        ...(argument ? { argument } : {}),
        decisions: [{ name: plugin.name, ...detection, chosen: true }],
      };
    }
    const candidates = sources.filter(
      (source) => AUTO_SOURCE_NAMES.includes(source.name) || !BUILTIN_IDENTITY_SOURCES.includes(source),
    );
    const decisions: SourceDecision[] = [];
    let plugin: IdentitySourcePlugin | undefined;
    for (const candidate of candidates) {
      const detection = await candidate.detect({ env: this.env });
      decisions.push({ name: candidate.name, ...detection, chosen: !plugin && detection.present });
      if (!plugin && detection.present) plugin = candidate;
    }
    return { ...(plugin ? { plugin } : {}), decisions };
  }

  /**
   * Reads the platform token now, through `fetch` (core's HTTP client), and checks it. The
   * value is for one request: the caller sends it and drops it.
   */
  async read(fetch: typeof globalThis.fetch, signal?: AbortSignal): Promise<PlatformToken> {
    const { plugin, argument, decisions } = await this.source();
    if (!plugin) throw noSourceFound(decisions);
    const value = await plugin.read({
      env: this.env,
      audience: this.audience,
      fetch,
      ...(argument ? { argument } : {}),
      ...(signal ? { signal } : {}),
    });
    const token = checkPlatformToken(
      typeof value === 'string' ? value.trim() : '',
      plugin.name,
      this.now(),
      this.settings.subjectTokenType === JWT_TOKEN_TYPE ||
        this.settings.subjectTokenType.endsWith(':id_token'),
    );
    this.lastSent = { source: plugin.name, claims: token.claims };
    return token;
  }

  /** What a flow gets as `context.workloadIdentity`. */
  port(fetch: typeof globalThis.fetch, signal?: AbortSignal): WorkloadIdentityPort {
    return {
      read: async () => (await this.read(fetch, signal)).value,
      tokenExchange: {
        subjectTokenType: this.settings.subjectTokenType,
        ...(this.settings.requestedTokenType ? { requestedTokenType: this.settings.requestedTokenType } : {}),
        resources: this.settings.resources,
      },
    };
  }

  /**
   * The IdP's refusal with what it was shown: the claims of the platform token sent (never the
   * token). `invalid_client` or `invalid_grant` here most often means that the IdP's trust
   * for this client names another issuer, subject or audience.
   */
  annotate(error: unknown, clientId: string): unknown {
    if (!this.lastSent || !OidcflowError.isInstance(error) || error.oauthError === undefined) return error;
    const { source, claims } = this.lastSent;
    return new OidcflowError(
      error.code,
      `${error.message} The platform token sent (from the ${source} identity source) had ${describeClaims(claims)}: the IdP's trust for client "${clientId}" must name that issuer and subject, and expect that audience (set identityAudience to what it expects).`,
      {
        cause: error,
        oauthError: error.oauthError,
        ...(error.oauthErrorDescription !== undefined
          ? { oauthErrorDescription: error.oauthErrorDescription }
          : {}),
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.flow !== undefined ? { flow: error.flow } : {}),
      },
    );
  }

  /** Which source a grant would read from and why the others not; no request, no token read. */
  async describeSource(): Promise<IdentitySourceReport> {
    const report: IdentitySourceReport = { requestedSource: this.requestedSource, sources: [] };
    try {
      const chosen = await this.source();
      report.sources = chosen.decisions;
      const taken = chosen.decisions.find((decision) => decision.chosen);
      if (!chosen.plugin) {
        const error = noSourceFound(chosen.decisions);
        report.problem = { code: error.code, message: error.message };
      } else if (taken?.present) report.source = chosen.plugin.name;
      else
        report.problem = {
          code: ErrorCode.IDENTITY_SOURCE_UNAVAILABLE,
          message: `The ${chosen.plugin.name} identity source has no token here: ${taken?.reason ?? 'not present'}.`,
        };
    } catch (error) {
      const failure = error as { code?: string; message?: string };
      report.problem = {
        code: failure.code ?? ErrorCode.IDENTITY_SOURCE_UNAVAILABLE,
        message: failure.message ?? String(error),
      };
    }
    return report;
  }

  /** What `explain()` shows: the sources and why, the way and why. No token is read. */
  async explain(metadata: ServerMetadata, requestedFlow: string): Promise<WorkloadIdentityReport> {
    const uses = this.uses(metadata, requestedFlow);
    return {
      ...(await this.describeSource()),
      audience: this.audience,
      use: uses.find((decision) => decision.chosen)?.use ?? 'client_assertion',
      uses,
    };
  }
}
