import type { CacheFactoryOptions, CachePlugin, FlowPlugin, IdpPlugin } from '@oidcflow/core';

/**
 * How a flow reaches the user, which decides the scenarios and the target client:
 * `browser` (auth_code-like: a loopback redirect), `device` (a code to enter), `client`
 * (no user at all).
 */
export type FlowKind = 'browser' | 'device' | 'client';

/**
 * oidcflow's own flows, by the names core registers them under (core's FIRST_PARTY_FLOWS):
 * also the names of the clients a target offers (`clients.auth_code`, …).
 */
export type FirstPartyFlow = 'auth_code' | 'device' | 'client_credentials';

/** The kind of each first-party flow: the one table between flow names and kinds. */
export const KIND_OF_FLOW: Readonly<Record<FirstPartyFlow, FlowKind>> = {
  auth_code: 'browser',
  device: 'device',
  client_credentials: 'client',
};

/** The same table read the other way: the first-party flow, and so the target client, of each kind. */
export const FLOW_OF_KIND = Object.fromEntries(
  Object.entries(KIND_OF_FLOW).map(([flow, kind]) => [kind, flow]),
) as Readonly<Record<FlowKind, FirstPartyFlow>>;

/** Every kind: a scenario for all of them runs for every flow. */
export const FLOW_KINDS: readonly FlowKind[] = Object.values(KIND_OF_FLOW);

/** The kind of flow a flow plugin is, from what it declares. */
export function flowKindOf(plugin: FlowPlugin): FlowKind {
  if (plugin.family === 'client') return 'client';
  return plugin.needsBrowser ? 'browser' : 'device';
}

/** A module a child process can import to rebuild a plugin (the race scenario). */
export interface PluginModuleRef {
  /** A package name or an absolute file URL. */
  specifier: string;
  /** The export to call: `createPlugin` (default) or `default`. */
  exportName?: 'createPlugin' | 'default';
}

/** One row group of the matrix: the plugin under test and how the scenarios use it. */
export interface Subject {
  /** Row label: the package name, or the module a third party gave. */
  label: string;
  pluginKind: 'flow' | 'cache' | 'idp';
  flowKind: FlowKind;
  /** The `flow` option: `auth_code`, `device`, or a third-party flow's name. */
  flowName: string;
  /** The flow plugin, registered explicitly so exactly this one runs. */
  flowPlugin?: FlowPlugin;
  /** The IdP plugin under test (its `matches` is forced to the target's issuer; see `forceMatch`). */
  idpPlugin?: IdpPlugin;
  createCache(options: CacheFactoryOptions): CachePlugin;
  /** What a child process imports to rebuild the plugins (the race); a cache given only as an object has none. */
  modules: { flow?: PluginModuleRef; cache?: PluginModuleRef; idp?: PluginModuleRef };
  /** Set when the plugin could not be loaded: every cell of the row fails with it. */
  loadError?: string;
  /**
   * The workload identity row: the flow spends a platform token (GitHub Actions, GitLab CI,
   * Kubernetes) instead of a secret, so it runs the workload scenarios and no others.
   */
  workload?: boolean;
}

/** The subject's flow is a plugin of someone else's: not one of the `@oidcflow/` packages. */
export function runsThirdPartyFlow(subject: Subject): boolean {
  return Boolean(subject.flowPlugin) && !subject.modules.flow?.specifier.startsWith('@oidcflow/');
}

/**
 * An IdP plugin is written for its IdP's issuer; the scenarios run it against the test
 * targets, so its `matches` is replaced. Everything else (parameters, metadata fixes) stays.
 */
export function forceMatch(plugin: IdpPlugin): IdpPlugin {
  return Object.assign(Object.create(Object.getPrototypeOf(plugin) as object) as IdpPlugin, plugin, {
    matches: () => true,
  });
}
