/** First-party packages core loads by itself when they are installed. */
export const FIRST_PARTY_FLOWS: ReadonlyArray<{ name: string; packageName: string }> = [
  { name: 'auth_code', packageName: '@oidcflow/flow-authcode' },
  { name: 'device', packageName: '@oidcflow/flow-device' },
  { name: 'client_credentials', packageName: '@oidcflow/flow-credentials' },
];

/**
 * The workload identity flows, which spend a platform token as a grant (RFC 7523 §2.1, RFC
 * 8693): more flows of @oidcflow/flow-credentials, each by the factory it exports. Loaded like
 * FIRST_PARTY_FLOWS; they need a platform token, so they run only with an identity source.
 */
export const FIRST_PARTY_WORKLOAD_FLOWS: ReadonlyArray<{
  name: string;
  packageName: string;
  exportName: string;
}> = [
  { name: 'jwt_bearer', packageName: '@oidcflow/flow-credentials', exportName: 'createJwtBearerPlugin' },
  {
    name: 'token_exchange',
    packageName: '@oidcflow/flow-credentials',
    exportName: 'createTokenExchangePlugin',
  },
];

export const FIRST_PARTY_CACHE = '@oidcflow/cache-file';
/** Preferred over FIRST_PARTY_CACHE under `cache: 'auto'` when installed (it falls back to it by itself). */
export const FIRST_PARTY_KEYRING_CACHE = '@oidcflow/cache-keyring';

export function installHint(packageName: string): string {
  return `pnpm add ${packageName} (or npm install ${packageName})`;
}
