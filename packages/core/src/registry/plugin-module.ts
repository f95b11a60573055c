/** A plugin factory: `createPlugin` of a plugin module, called with the cache's options if any. */
export type PluginFactory = (options?: unknown) => unknown;

/**
 * The factory a plugin module exports — the one rule for core's registry and the conformance
 * kit: `createPlugin` (or the export named `exportName`), else a default export that is a
 * factory, else a default export that is a plugin (its factory answers it). Undefined when the
 * module has none of them.
 */
export function pluginFactoryOf(module: unknown, exportName = 'createPlugin'): PluginFactory | undefined {
  const exports = (module ?? {}) as Record<string, unknown>;
  const exported = exports[exportName] ?? exports.createPlugin ?? exports.default;
  if (typeof exported === 'function') return exported as PluginFactory;
  if (exported && typeof exported === 'object' && 'kind' in exported) return () => exported;
  return undefined;
}
