import type { FlowPlugin } from '../spec/flow.js';
import type { IdpPlugin } from '../spec/idp.js';
import type { Plugin } from '../spec/plugin.js';
import { FIRST_PARTY_FLOWS } from './first-party.js';
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
): Promise<PluginFactory | undefined> {
  try {
    return pluginFactoryOf(await loader(specifier));
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
  ): Promise<Registry> {
    const plugins = explicit.map((plugin, index) => validatePlugin(plugin, `plugins[${index}]`));
    const explicitFlows = plugins.filter((p): p is FlowPlugin => p.kind === 'flow');
    const flows: FlowRegistration[] = explicitFlows.map((plugin) => ({ name: plugin.name, plugin }));
    const firstParty = FIRST_PARTY_FLOWS.filter((entry) => !flows.some((flow) => flow.name === entry.name));
    const loaded = await Promise.all(
      firstParty.map(async (entry) => {
        const factory = await loadFactory(loader, entry.packageName);
        const plugin = factory ? (validatePlugin(factory(), entry.packageName) as FlowPlugin) : undefined;
        return plugin ? { ...entry, plugin } : { ...entry };
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
