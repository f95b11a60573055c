import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CacheFactoryOptions,
  type CachePlugin,
  FIRST_PARTY_FLOWS,
  type FlowPlugin,
  type IdpPlugin,
  type Plugin,
  type PluginFactory,
  pluginFactoryOf,
} from '@oidcflow/core';
import {
  type FirstPartyFlow,
  type FlowKind,
  flowKindOf,
  KIND_OF_FLOW,
  type PluginModuleRef,
  type Subject,
} from './subject.js';

const FILE_CACHE: PluginModuleRef = { specifier: '@oidcflow/cache-file' };

function describeError(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? 'unknown error';
}

/** Imports `ref` and returns its factory, by core's rule for plugin modules (`pluginFactoryOf`). */
export async function loadFactory(ref: PluginModuleRef): Promise<PluginFactory> {
  const factory = pluginFactoryOf(await import(ref.specifier), ref.exportName);
  if (!factory)
    throw new Error(`${ref.specifier} exports neither createPlugin nor a default plugin or factory`);
  return factory;
}

let fileCache: Promise<(options: CacheFactoryOptions) => CachePlugin> | undefined;
/** @oidcflow/cache-file, the cache every flow and IdP row uses. */
function fileCacheFactory(): Promise<(options: CacheFactoryOptions) => CachePlugin> {
  fileCache ??= loadFactory(FILE_CACHE).then((factory) => (options) => factory(options) as CachePlugin);
  return fileCache;
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

/** A row label for a module: a path relative to the working directory, else the package name. */
function displayName(module: string): string {
  const specifier = moduleSpecifier(module);
  if (!specifier.startsWith('file:')) return module;
  const path = relative(process.cwd(), fileURLToPath(specifier)).replace(/[/\\]dist[/\\]index\.js$/, '');
  return path.startsWith('..') ? fileURLToPath(specifier) : path;
}

/** A module given as a path becomes a file URL (for `import()` here and in child processes). */
function moduleSpecifier(module: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../'))
    return pathToFileURL(resolve(module)).href;
  return module;
}

export interface SubjectOptions {
  /** Row label. @default the plugin's name (or the module) */
  label?: string;
  /** The module that exports the plugin's factory, so child processes can load it too. */
  module?: string;
}

export interface CompanionFlowOptions extends SubjectOptions {
  /** Which first-party flows an IdP or cache plugin runs with. */
  withFlows?: readonly FirstPartyFlow[];
}

function reference(module: string | undefined): PluginModuleRef | undefined {
  return module ? { specifier: moduleSpecifier(module) } : undefined;
}

/** The row of a flow plugin: every scenario of its kind, with the file cache. */
export async function subjectForFlowPlugin(
  plugin: FlowPlugin,
  options: SubjectOptions = {},
): Promise<Subject> {
  const ref = reference(options.module);
  return {
    label: options.label ?? plugin.name,
    pluginKind: 'flow',
    flowKind: flowKindOf(plugin),
    flowName: plugin.name,
    flowPlugin: plugin,
    createCache: await fileCacheFactory(),
    modules: { cache: FILE_CACHE, ...(ref ? { flow: ref } : {}) },
  };
}

/** The rows of an IdP plugin: one per first-party flow it is run with (auth_code and client_credentials by default). */
export async function subjectsForIdpPlugin(
  plugin: IdpPlugin,
  options: CompanionFlowOptions = {},
): Promise<Subject[]> {
  const ref = reference(options.module);
  const createCache = await fileCacheFactory();
  const label = options.label ?? plugin.name;
  return (options.withFlows ?? ['auth_code', 'client_credentials']).map((flowName) => ({
    label: `${label} (${flowName})`,
    pluginKind: 'idp',
    flowKind: KIND_OF_FLOW[flowName],
    flowName,
    idpPlugin: plugin,
    createCache,
    modules: { cache: FILE_CACHE, ...(ref ? { idp: ref } : {}) },
  }));
}

/** The rows of a cache plugin: the scenarios that exercise a cache, with first-party flows (auth_code by default). */
export function subjectsForCacheFactory(
  createCache: (options: CacheFactoryOptions) => CachePlugin,
  options: CompanionFlowOptions = {},
): Subject[] {
  const ref = reference(options.module);
  const label = options.label ?? options.module ?? createCache({}).name;
  return (options.withFlows ?? ['auth_code']).map((flowName) => ({
    label: `${label} (${flowName})`,
    pluginKind: 'cache',
    flowKind: KIND_OF_FLOW[flowName],
    flowName,
    // Called per cell, so each cell's cache lives at its own location.
    createCache,
    modules: ref ? { cache: ref } : {},
  }));
}

/**
 * The rows for oidcflow's own flows (core's FIRST_PARTY_FLOWS), each with the file cache. A
 * package that fails to load fails its row.
 */
export async function firstPartySubjects(): Promise<Subject[]> {
  const flows = await Promise.all(
    FIRST_PARTY_FLOWS.map(async ({ name, packageName }) => {
      try {
        const plugin = (await loadFactory({ specifier: packageName }))() as FlowPlugin;
        return await subjectForFlowPlugin(plugin, { label: packageName, module: packageName });
      } catch (error) {
        return failedSubject(packageName, KIND_OF_FLOW[name as FirstPartyFlow] ?? 'browser', name, error);
      }
    }),
  );
  const credentials = flows.find((subject) => subject.flowName === 'client_credentials');
  return credentials ? [...flows, workloadSubject(credentials)] : flows;
}

/**
 * The workload identity row: the client credentials flow spending a platform token (GitHub
 * Actions, GitLab CI, a Kubernetes service account) in the way each IdP takes it, no secret.
 */
function workloadSubject(credentials: Subject): Subject {
  return { ...credentials, label: `${credentials.label} (workload identity)`, workload: true };
}

/**
 * The rows for a plugin given by module (a third party's, from the command line): a flow
 * plugin is one row; an IdP or cache plugin runs with first-party flows, one row per flow.
 */
export async function subjectsForPlugin(
  module: string,
  options: CompanionFlowOptions = {},
): Promise<Subject[]> {
  const label = options.label ?? displayName(module);
  let plugin: Plugin;
  let factory: PluginFactory;
  try {
    factory = await loadFactory({ specifier: moduleSpecifier(module) });
    plugin = (await factory({})) as Plugin;
  } catch (error) {
    return [failedSubject(label, 'browser', 'unknown', error)];
  }
  const shared = { ...options, label, module };
  if (plugin.kind === 'flow') return [await subjectForFlowPlugin(plugin, shared)];
  if (plugin.kind === 'idp') return subjectsForIdpPlugin(plugin, shared);
  return subjectsForCacheFactory((cacheOptions) => factory(cacheOptions) as CachePlugin, shared);
}
