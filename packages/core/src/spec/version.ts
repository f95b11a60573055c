/**
 * The version of the plugin specification (the types in this folder). A plugin declares the
 * version it was written against; the registry refuses a plugin of another version. Any
 * change to these types that a plugin could notice is a new version.
 */
export const SPECIFICATION_VERSION = 'v1';
export type SpecificationVersion = typeof SPECIFICATION_VERSION;
