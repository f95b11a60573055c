// The `./keyring-fallback` entry: what @oidcflow/cache-keyring shares with core's `cache: 'auto'`
// (registry/load-cache.ts) about a keyring that cannot answer here. Both decide "no session bus"
// by the same rule, and both read the notice that says the fallback once per cache location.
// Stateless functions only: the keyring cache's build takes this module into its own bundle
// (scripts/bundle-package.mjs, INLINED_IMPORTS), so that its hit resolves no second package.
export {
  forgetKeyringFallback,
  KEYRING_FALLBACK_NOTICE_FILE,
  type KeyringFallbackNotice,
  recordKeyringFallback,
  rememberedFallback,
} from './cache/keyring-fallback-notice.js';
export { sessionBusMissing } from './cache/session-bus.js';
