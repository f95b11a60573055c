import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { Plugin } from '../spec/plugin.js';
import { SPECIFICATION_VERSION } from '../spec/version.js';

const REQUIRED_METHODS: Record<Plugin['kind'], readonly string[]> = {
  flow: ['supports', 'run'],
  cache: ['get', 'set', 'delete', 'withLock', 'resolvedCachePath'],
  idp: ['matches'],
};

/** Refuses a plugin that was not written against this specification, naming what is wrong. */
export function validatePlugin(candidate: unknown, origin: string): Plugin {
  const plugin = candidate as Partial<Plugin> | null;
  const fail = (problem: string): never => {
    throw new OidcflowError(
      ErrorCode.PLUGIN_INVALID,
      `The plugin from ${origin} ${problem}. Update the plugin to oidcflow plugin specification ${SPECIFICATION_VERSION}.`,
    );
  };
  if (typeof plugin !== 'object' || plugin === null) return fail('is not an object');
  if (plugin.kind !== 'flow' && plugin.kind !== 'cache' && plugin.kind !== 'idp') {
    return fail(`has kind ${JSON.stringify(plugin.kind)}; expected "flow", "cache" or "idp"`);
  }
  if (plugin.specificationVersion !== SPECIFICATION_VERSION) {
    return fail(`was written for specification ${JSON.stringify(plugin.specificationVersion)}`);
  }
  if (typeof plugin.name !== 'string' || plugin.name === '') return fail('has no name');
  for (const method of REQUIRED_METHODS[plugin.kind]) {
    if (typeof (plugin as Record<string, unknown>)[method] !== 'function') {
      return fail(`"${plugin.name}" lacks the method ${method}()`);
    }
  }
  return plugin as Plugin;
}
