/** First-party packages core loads by itself when they are installed. */
export const FIRST_PARTY_FLOWS: ReadonlyArray<{ name: string; packageName: string }> = [
  { name: 'auth_code', packageName: '@oidcflow/flow-authcode' },
  { name: 'device', packageName: '@oidcflow/flow-device' },
  { name: 'client_credentials', packageName: '@oidcflow/flow-credentials' },
];

export const FIRST_PARTY_CACHE = '@oidcflow/cache-file';

export function installHint(packageName: string): string {
  return `pnpm add ${packageName} (or npm install ${packageName})`;
}
