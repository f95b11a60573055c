import type { CacheFactoryOptions, CachePlugin, FlowPlugin, IdpPlugin } from '@oidcflow/core';
import type { FlowName } from '../targets/target.js';

/**
 * How a flow reaches the user, which decides the scenarios and the target client:
 * `browser` (auth_code-like: a loopback redirect), `device` (a code to enter), `client`
 * (no user at all).
 */
export type FlowKind = 'browser' | 'device' | 'client';

/** Every kind: a scenario for all of them runs for every flow. */
export const FLOW_KINDS: readonly FlowKind[] = ['browser', 'device', 'client'];

export const TARGET_FLOW_FOR_KIND: Record<FlowKind, FlowName> = {
  browser: 'auth_code',
  device: 'device',
  client: 'client_credentials',
};

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
