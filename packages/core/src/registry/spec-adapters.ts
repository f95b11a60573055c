import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { FlowPlugin, FlowRunContext } from '../spec/flow.js';
import type { Plugin } from '../spec/plugin.js';
import { SPECIFICATION_VERSION } from '../spec/version.js';

/**
 * Plugins written against specification v1 keep working: core adapts them to v2 here.
 *
 * - A v1 flow got openid-client's module as `context.openid` (`{ client, configuration, fetch,
 *   authMethod }`) where v2 has `context.protocol`: it gets the same session core's port uses.
 *   `interactive` (read by nothing) is ignored.
 * - v1 IdP and cache plugins are v2 plugins: v2 only added optional members.
 *
 * When v3 comes, this file adapts v2 and the v1 adapter goes (one version back is kept).
 */
export function adaptFromV1(plugin: Plugin, origin: string): Plugin {
  // Keeps the prototype, so a plugin written as a class keeps its methods.
  const copy = <T extends object>(members: object): T =>
    Object.assign(Object.create(Object.getPrototypeOf(plugin) as object) as T, plugin, {
      specificationVersion: SPECIFICATION_VERSION,
      ...members,
    });
  if (plugin.kind !== 'flow') return copy<Plugin>({});
  const v1Run = plugin.run.bind(plugin) as unknown as (context: unknown) => ReturnType<FlowPlugin['run']>;
  return copy<FlowPlugin>({
    async run(context: FlowRunContext) {
      // Loaded when a v1 flow runs: the registry, on the cache-hit path, never pulls in the
      // protocol port (openid-client's session and its error reading).
      const { sessionOfPort } = await import('../protocol/openid-port.js');
      const openid = sessionOfPort(context.protocol);
      if (!openid) {
        throw new OidcflowError(
          ErrorCode.PLUGIN_INVALID,
          `The flow "${plugin.name}" from ${origin} was written for oidcflow plugin specification v1 and needs ` +
            `context.openid, which only @oidcflow/core's own protocol port can give. Run it through OidcAuth, or update it to ${SPECIFICATION_VERSION}.`,
          { flow: plugin.name },
        );
      }
      return v1Run({ ...context, openid });
    },
  });
}
