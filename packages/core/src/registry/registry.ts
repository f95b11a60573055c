import type { FlowPlugin } from '../spec/flow.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { Plugin } from '../spec/plugin.js';
import { FIRST_PARTY_FLOWS, FIRST_PARTY_WORKLOAD_FLOWS } from './first-party.js';
import { type PluginFactory, pluginFactoryOf } from './plugin-module.js';
import { validatePlugin } from './validate-plugin.js';

export type ModuleLoader = (specifier: string) => Promise<unknown>;

/** Core's own `import()`: resolves packages installed beside core (as optional peers). */
export const defaultModuleLoader: ModuleLoader = (specifier) => import(specifier);

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = String((error as { message?: string } | null)?.message ?? '');
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier))
    return true;
  // Vite and vitest replace a missing optional peer with a stub that throws this instead.
  return message.startsWith(`Could not resolve "${specifier}"`);
}

export async function loadFactory(
  loader: ModuleLoader,
  specifier: string,
  exportName?: string,
): Promise<PluginFactory | undefined> {
  try {
    const module = await loader(specifier);
    // A named factory the installed version lacks: that flow is not installed (no fallback).
    if (exportName && typeof (module as Record<string, unknown> | null)?.[exportName] !== 'function')
      return undefined;
    return pluginFactoryOf(module, exportName);
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return undefined;
    throw error;
  }
}

export interface FlowRegistration {
  name: string;
  plugin?: FlowPlugin;
  /** The first-party package that provides it, when it is one of ours. */
  packageName?: string;
}

/**
 * The plugins of one `OidcAuth`: explicit ones first, then installed first-party packages.
 * An explicit plugin replaces a first-party one of the same name.
 */
export class Registry {
  private constructor(
    readonly flows: readonly FlowRegistration[],
    readonly idps: readonly IdpPlugin[],
  ) {}

  static async create(
    explicit: readonly Plugin[],
    loader: ModuleLoader = defaultModuleLoader,
    /** Load the workload identity flows too (an identity source is set). @default false */
    workloadFlows = false,
  ): Promise<Registry> {
    const plugins = explicit.map((plugin, index) => validatePlugin(plugin, `plugins[${index}]`));
    const explicitFlows = plugins.filter((p): p is FlowPlugin => p.kind === 'flow');
    const flows: FlowRegistration[] = explicitFlows.map((plugin) => ({ name: plugin.name, plugin }));
    const known: ReadonlyArray<{ name: string; packageName: string; exportName?: string }> = [
      ...FIRST_PARTY_FLOWS,
      ...(workloadFlows ? FIRST_PARTY_WORKLOAD_FLOWS : []),
    ];
    const firstParty = known.filter((entry) => !flows.some((flow) => flow.name === entry.name));
    const loaded = await Promise.all(
      firstParty.map(async (entry) => {
        const factory = await loadFactory(loader, entry.packageName, entry.exportName);
        const plugin = factory ? (validatePlugin(factory(), entry.packageName) as FlowPlugin) : undefined;
        const registration = { name: entry.name, packageName: entry.packageName };
        return plugin ? { ...registration, plugin } : registration;
      }),
    );
    flows.push(...loaded);
    const idps = plugins.filter((p): p is IdpPlugin => p.kind === 'idp');
    return new Registry(flows, idps);
  }

  flow(name: string): FlowRegistration | undefined {
    return this.flows.find((flow) => flow.name === name);
  }
}
