import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CacheFactoryOptions, CachePlugin, FlowPlugin, IdpPlugin, Plugin } from '@oidcflow/core';
import type { FlowKind, PluginModuleRef, Subject } from './subject.js';

const FILE_CACHE: PluginModuleRef = { specifier: '@oidcflow/cache-file' };

type Factory = (options?: CacheFactoryOptions) => unknown;

function describeError(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? 'unknown error';
}

/** Imports `ref` and returns its factory: `createPlugin`, or a default export (factory or plugin). */
export async function loadFactory(ref: PluginModuleRef): Promise<Factory> {
  const module = (await import(ref.specifier)) as Record<string, unknown>;
  const exported = module[ref.exportName ?? 'createPlugin'] ?? module.createPlugin ?? module.default;
  if (typeof exported === 'function') return exported as Factory;
  if (exported && typeof exported === 'object' && 'kind' in exported) return () => exported;
  throw new Error(`${ref.specifier} exports neither createPlugin nor a default plugin or factory`);
}

async function fileCacheFactory(): Promise<(options: CacheFactoryOptions) => CachePlugin> {
  const factory = await loadFactory(FILE_CACHE);
  return (options) => factory(options) as CachePlugin;
}

/** The kind of flow a flow plugin is, from what it declares. */
export function flowKindOf(plugin: FlowPlugin): FlowKind {
  if (plugin.family === 'client') return 'client';
  return plugin.needsBrowser ? 'browser' : 'device';
}

function failedSubject(label: string, flowKind: FlowKind, flowName: string, error: unknown): Subject {
  return {
    label,
    pluginKind: 'flow',
    flowKind,
    flowName,
    createCache: () => {
      throw new Error('not loaded');
    },
    modules: { cache: FILE_CACHE },
    loadError: `${label} could not be loaded: ${describeError(error)}`,
  };
}

const FIRST_PARTY_FLOWS: ReadonlyArray<{ specifier: string; flowKind: FlowKind; flowName: string }> = [
  { specifier: '@oidcflow/flow-authcode', flowKind: 'browser', flowName: 'auth_code' },
  { specifier: '@oidcflow/flow-device', flowKind: 'device', flowName: 'device' },
  { specifier: '@oidcflow/flow-credentials', flowKind: 'client', flowName: 'client_credentials' },
];

/** The rows for oidcflow's own flows, each with the file cache. A package that fails to load fails its row. */
export async function firstPartySubjects(): Promise<Subject[]> {
  const createCache = await fileCacheFactory();
  return Promise.all(
    FIRST_PARTY_FLOWS.map(async ({ specifier, flowKind, flowName }) => {
      try {
        const plugin = (await loadFactory({ specifier }))() as FlowPlugin;
        return {
          label: specifier,
          pluginKind: 'flow' as const,
          flowKind,
          flowName: plugin.name,
          flowPlugin: plugin,
          createCache,
          modules: { flow: { specifier }, cache: FILE_CACHE },
        };
      } catch (error) {
        return failedSubject(specifier, flowKind, flowName, error);
      }
    }),
  );
}

/** A module given as a path becomes a file URL (for `import()` here and in child processes). */
export function moduleSpecifier(module: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../'))
    return pathToFileURL(resolve(module)).href;
  return module;
}

export interface PluginSubjectOptions {
  /** Row label. @default the module */
  label?: string;
  /** Which first-party flows an IdP or cache plugin is run with. @default ['auth_code', 'client_credentials'] for IdP plugins, ['auth_code'] for caches */
  withFlows?: ReadonlyArray<'auth_code' | 'device' | 'client_credentials'>;
}

const KIND_OF_FIRST_PARTY: Record<string, FlowKind> = {
  auth_code: 'browser',
  device: 'device',
  client_credentials: 'client',
};

/**
 * The rows for a plugin given by module (a third party's): a flow plugin is one row; an IdP
 * or cache plugin is run together with first-party flows, one row per flow.
 */
export async function subjectsForPlugin(
  module: string,
  options: PluginSubjectOptions = {},
): Promise<Subject[]> {
  const ref: PluginModuleRef = { specifier: moduleSpecifier(module) };
  const label = options.label ?? module;
  let plugin: Plugin;
  let factory: Factory;
  try {
    factory = await loadFactory(ref);
    plugin = (await factory({})) as Plugin;
  } catch (error) {
    return [failedSubject(label, 'browser', 'unknown', error)];
  }
  const fileCache = await fileCacheFactory();
  if (plugin.kind === 'flow') {
    return [
      {
        label,
        pluginKind: 'flow',
        flowKind: flowKindOf(plugin),
        flowName: plugin.name,
        flowPlugin: plugin,
        createCache: fileCache,
        modules: { flow: ref, cache: FILE_CACHE },
      },
    ];
  }
  const flows =
    options.withFlows ?? (plugin.kind === 'idp' ? ['auth_code', 'client_credentials'] : ['auth_code']);
  return flows.map((flowName) => {
    const flowKind = KIND_OF_FIRST_PARTY[flowName] ?? 'browser';
    const row = `${label} (${flowName})`;
    if (plugin.kind === 'idp') {
      return {
        label: row,
        pluginKind: 'idp' as const,
        flowKind,
        flowName,
        idpPlugin: plugin as IdpPlugin,
        createCache: fileCache,
        modules: { cache: FILE_CACHE, idp: ref },
      };
    }
    return {
      label: row,
      pluginKind: 'cache' as const,
      flowKind,
      flowName,
      // Called again per cell, so each cell's cache lives at its own location.
      createCache: (cacheOptions: CacheFactoryOptions) => factory(cacheOptions) as CachePlugin,
      modules: { cache: ref },
    };
  });
}
