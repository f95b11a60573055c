/** First-party packages core loads by itself when they are installed. */
export const FIRST_PARTY_FLOWS: ReadonlyArray<{ name: string; packageName: string }> = [
  { name: 'auth_code', packageName: '@oidcflow/flow-authcode' },
  { name: 'device', packageName: '@oidcflow/flow-device' },
  { name: 'client_credentials', packageName: '@oidcflow/flow-credentials' },
];

export const FIRST_PARTY_CACHE = '@oidcflow/cache-file';
/** Preferred over FIRST_PARTY_CACHE under `cache: 'auto'` when installed (it falls back to it by itself). */
export const FIRST_PARTY_KEYRING_CACHE = '@oidcflow/cache-keyring';

export function installHint(packageName: string): string {
  return `pnpm add ${packageName} (or npm install ${packageName})`;
}
