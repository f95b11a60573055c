import { externalTarget } from './external/external-target.js';
import { hydraTarget } from './hydra/index.js';
import { keycloakTarget } from './keycloak/index.js';
import { embeddedOidcProviderTarget } from './oidc-provider/embedded-target.js';
import { springTarget } from './spring/index.js';
import type { ConformanceTarget } from './target.js';

/** Target names in the order of the matrix's columns. */
export const TARGET_NAMES = [
  'oidc-provider-http',
  'oidc-provider-https',
  'keycloak',
  'keycloak-container',
  'hydra',
  'spring',
  'external',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Every target, by name. Each is started at most once per run. */
export function createTarget(name: TargetName, env: NodeJS.ProcessEnv = process.env): ConformanceTarget {
  switch (name) {
    case 'oidc-provider-http':
      return embeddedOidcProviderTarget({ tls: false });
    case 'oidc-provider-https':
      return embeddedOidcProviderTarget({ tls: true });
    case 'keycloak':
      return keycloakTarget();
    case 'keycloak-container':
      return keycloakTarget({ name: 'keycloak-container', runtime: 'container' });
    case 'spring':
      return springTarget();
    case 'hydra':
      return hydraTarget();
    case 'external':
      return externalTarget(env);
  }
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}
