import type { SkipCause } from './cell.js';

/** Skip causes a run may require not to happen: `OIDCFLOW_REQUIRE=browser,keycloak` (CI sets it). */
const REQUIRABLE: readonly SkipCause[] = [
  'browser',
  'keycloak',
  'keycloak-container',
  'hydra',
  'spring',
  'external',
  'kubectl',
  'git',
  'npm-registry',
  'keyring',
  'binary',
];

export function requiredFromEnv(env: NodeJS.ProcessEnv = process.env): Set<SkipCause> {
  const names = (env.OIDCFLOW_REQUIRE ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(REQUIRABLE as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`OIDCFLOW_REQUIRE names ${unknown.join(', ')}; it takes ${REQUIRABLE.join(', ')}`);
  }
  return new Set(names as SkipCause[]);
}
