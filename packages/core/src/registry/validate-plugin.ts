import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { Plugin } from '../spec/plugin.js';
import { PREVIOUS_SPECIFICATION_VERSION, SPECIFICATION_VERSION } from '../spec/version.js';
import { adaptFromV1 } from './spec-adapters.js';

const REQUIRED_METHODS: Record<Plugin['kind'], readonly string[]> = {
  flow: ['supports', 'run'],
  // What a cache must do; `withLock` and `resolvedCachePath` are capabilities it may have.
  cache: ['get', 'set', 'delete'],
  idp: ['matches'],
  'identity-source': ['detect', 'read'],
};

/**
 * Refuses a plugin that was not written against this specification (or the previous one,
 * which is adapted), naming what is wrong. A plugin of the previous version comes back adapted.
 */
export function validatePlugin(candidate: unknown, origin: string): Plugin {
  const plugin = candidate as Partial<Plugin> | null;
  const fail = (
    problem: string,
    advice = `Update the plugin to oidcflow plugin specification ${SPECIFICATION_VERSION}.`,
  ): never => {
    throw new OidcflowError(ErrorCode.PLUGIN_INVALID, `The plugin from ${origin} ${problem}. ${advice}`);
  };
  if (typeof plugin !== 'object' || plugin === null) return fail('is not an object');
  if (!Object.hasOwn(REQUIRED_METHODS, String(plugin.kind))) {
    return fail(
      `has kind ${JSON.stringify(plugin.kind)}; expected "flow", "cache", "idp" or "identity-source"`,
    );
  }
  const named = typeof plugin.name === 'string' && plugin.name !== '' ? ` "${plugin.name}"` : '';
  const version = plugin.specificationVersion as string | undefined;
  if (version !== SPECIFICATION_VERSION && version !== PREVIOUS_SPECIFICATION_VERSION) {
    return fail(
      `${named} was written for oidcflow plugin specification ${version === undefined ? '(none declared)' : JSON.stringify(version)}, ` +
        `but this @oidcflow/core implements specification ${SPECIFICATION_VERSION} (and adapts ${PREVIOUS_SPECIFICATION_VERSION})`,
      `Install a version of the plugin written for ${SPECIFICATION_VERSION}, or a version of @oidcflow/core that implements ${JSON.stringify(version)}.`,
    );
  }
  if (!named) return fail('has no name');
  for (const method of REQUIRED_METHODS[plugin.kind as Plugin['kind']]) {
    if (typeof (plugin as Record<string, unknown>)[method] !== 'function') {
      return fail(`${named} lacks the method ${method}()`);
    }
  }
  if (version === PREVIOUS_SPECIFICATION_VERSION) return adaptFromV1(plugin as Plugin, origin);
  return plugin as Plugin;
}

/** The IdP plugins among `plugins`, validated (and adapted) the same way on every path. */
export function idpPluginsOf(plugins: readonly Plugin[] | undefined): Extract<Plugin, { kind: 'idp' }>[] {
  return (plugins ?? []).flatMap((plugin, index) => {
    if ((plugin as Partial<Plugin> | null)?.kind !== 'idp') return [];
    return [validatePlugin(plugin, `plugins[${index}]`) as Extract<Plugin, { kind: 'idp' }>];
  });
}
