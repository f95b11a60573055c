export { ErrorCode } from './errors/codes.js';
export { OidcflowError, type OidcflowErrorOptions } from './errors/oidcflow-error.js';

export { SPECIFICATION_VERSION, type SpecificationVersion } from './spec/version.js';
export { DEFAULT_EXPIRES_IN_SECONDS, EXPIRY_SKEW_SECONDS, type TokenSet } from './spec/tokens.js';
export type { ServerMetadata, CachedMetadata } from './spec/metadata.js';
export type {
  CacheEntry,
  CacheFactoryOptions,
  CacheKey,
  CacheLockOptions,
  CachePlugin,
  FlowFamily,
} from './spec/cache.js';
export type {
  EnvironmentFacts,
  FlowPlugin,
  FlowRunContext,
  FlowSupport,
  FlowSupportContext,
  LoginSettings,
  RequestAdjustments,
} from './spec/flow.js';
export type { IdpPlugin, IdpRequestContext } from './spec/idp.js';
export type { CachePluginFactory, FlowPluginFactory, Plugin } from './spec/plugin.js';

export { createStderrLogger, silentLogger, type Logger } from './ports/logger.js';
export { systemClock, type Clock, type FlowPorts, type PromptOutput } from './ports/flow-ports.js';
export type { OpenIdSession, OpenIdClient } from './protocol/openid-session.js';
