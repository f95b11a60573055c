/**
 * How the CLI loads core's first-party plugins (flows, caches): by name, from the CLI's own
 * dependencies, wherever core is installed. The single executable (scripts/build-binary.mjs)
 * replaces this module with one that hands out the modules bundled into it, since a single
 * executable's `import()` only reaches Node's built-ins.
 */
export const loadPluginModule = (specifier: string): Promise<unknown> => import(specifier);
