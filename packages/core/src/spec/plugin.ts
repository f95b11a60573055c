import type { CacheFactoryOptions, CachePlugin } from './cache.js';
import type { FlowPlugin } from './flow.js';
import type { IdentitySourcePlugin } from './identity-source.js';
import type { IdpPlugin } from './idp.js';

export type Plugin = FlowPlugin | CachePlugin | IdpPlugin | IdentitySourcePlugin;

/**
 * What a first-party package exports so that core can load it when it is installed:
 * `export const createPlugin: FlowPluginFactory` (or `CachePluginFactory`).
 */
export type FlowPluginFactory = () => FlowPlugin;
export type CachePluginFactory = (options: CacheFactoryOptions) => CachePlugin;
