/**
 * The version of the plugin specification (the types in this folder). A plugin declares the
 * version it was written against. Any change to these types that a plugin could notice is a
 * new version; core then keeps an adapter for the previous one (registry/spec-adapters.ts), so
 * a plugin of the previous version keeps working for at least one more major version of core,
 * and refuses any other version with an error naming both.
 *
 * - v2: flows get `context.protocol` (core's `ProtocolPort`) instead of `context.openid`
 *   (openid-client's module); `FlowPlugin.interactive` is gone; IdP plugins gain
 *   `tokenEndpointAuthMethod` and `adjustDeviceAuthorizationResponse`.
 * - v1: the first version.
 */
export const SPECIFICATION_VERSION = 'v2';
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

/** The previous version, still accepted through an adapter. */
export const PREVIOUS_SPECIFICATION_VERSION = 'v1';
