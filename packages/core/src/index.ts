export type { GetTokensOptions } from './auth/auth-base.js';
export { OidcAuth } from './auth/oidc-auth.js';
export { OidcCredentialsAuth } from './auth/oidc-credentials-auth.js';
export { cacheKeyFor } from './cache/cache-key.js';
export { frozenCopy } from './cache/frozen-copy.js';
export { createMemoryCache } from './cache/memory-cache.js';
export { accountPartProblem, isTime } from './cache/usable-entry.js';
export { expandHome, homeDirectory } from './config/home.js';
export {
  type CommonAuthOptions,
  DEFAULTS,
  type OidcAuthOptions,
  type OidcCredentialsAuthOptions,
  type StepUpMode,
} from './config/options.js';
export type { Profile, ProfileFile } from './config/profile-document.js';
export {
  type ProfileFileOptions,
  profileFilePath,
  profileOptions,
  readProfileFile,
} from './config/profile-file.js';
export type { ProfileOption, ProfileOptionKind } from './config/profile-options.js';
export type { ServerAuthInfo, ServerSource } from './config/server-source.js';
export { isLoopbackHost } from './config/url-policy.js';
export type { ProfileReport } from './config/with-profile.js';
export { authorizationServerMetadataUrl, openidConfigurationUrl } from './discovery/metadata-urls.js';
export { causeChain } from './errors/cause-chain.js';
export { ErrorCode } from './errors/codes.js';
export { OidcflowError, type OidcflowErrorOptions } from './errors/oidcflow-error.js';
export { terminalLines, terminalMessage, terminalText } from './errors/terminal-text.js';
export type { AccountStatus } from './lifecycle/accounts.js';
export { idTokenExpiresAt, isFresh } from './lifecycle/freshness.js';
export type { ExplainReport, LogoutResult } from './lifecycle/slow-path.js';
export { type Clock, type FlowPorts, openSystemBrowser, type PromptOutput } from './ports/flow-ports.js';
export { createStderrLogger, type Logger, silentLogger, warnOnce } from './ports/logger.js';
export { untilAborted } from './ports/until-aborted.js';
export type { ClientAuthMethod } from './protocol/client-auth.js';
export { type OAuthErrorDetails, oauthErrorDetails, toOidcflowError } from './protocol/oauth-errors.js';
export { toSearchParams } from './protocol/search-params.js';
export { tokenSetFromResponse } from './protocol/token-set.js';
export { type CacheDefinition, defineCache } from './registry/define-cache.js';
export { defineFlow, type FlowDefinition } from './registry/define-flow.js';
export { FIRST_PARTY_FLOWS, FIRST_PARTY_WORKLOAD_FLOWS } from './registry/first-party.js';
export { type PluginFactory, pluginFactoryOf } from './registry/plugin-module.js';
export type { FlowDecision } from './registry/select-flow.js';
export type {
  AccountRef,
  CacheEntry,
  CacheFactoryOptions,
  CacheKey,
  CacheLockOptions,
  CachePlugin,
  FlowFamily,
  LaterSignIn,
} from './spec/cache.js';
export type {
  EnvironmentFacts,
  FlowPlugin,
  FlowRunContext,
  FlowSupport,
  FlowSupportContext,
  LoginSettings,
  RequestAdjustments,
  WorkloadIdentityPort,
} from './spec/flow.js';
export type {
  IdentitySourceContext,
  IdentitySourceDetection,
  IdentitySourcePlugin,
  IdentitySourceProbe,
} from './spec/identity-source.js';
export type { IdpPlugin, IdpRequestContext } from './spec/idp.js';
export type { CachedMetadata, ServerMetadata } from './spec/metadata.js';
export type { CachePluginFactory, FlowPluginFactory, Plugin } from './spec/plugin.js';
export {
  type AuthorizationRequest,
  type AuthorizationRequestInput,
  type CodeExchangeInput,
  DEVICE_CODE_GRANT_TYPE,
  type DeviceAuthorization,
  type DevicePollOutcome,
  type IdTokenExpectations,
  type ProtocolPort,
  type RequestParameters,
} from './spec/protocol.js';
export {
  DEFAULT_EXPIRES_IN_SECONDS,
  EXPIRY_SKEW_SECONDS,
  MAX_EXPIRES_IN_SECONDS,
  type TokenKind,
  type TokenSet,
} from './spec/tokens.js';
export {
  PREVIOUS_SPECIFICATION_VERSION,
  SPECIFICATION_VERSION,
  type SpecificationVersion,
} from './spec/version.js';
export type { IdentityUse, UseDecision } from './workload/identity-use.js';
export type {
  IdentitySourceReport,
  SourceDecision,
  WorkloadIdentityReport,
} from './workload/workload-identity.js';
