import { externalTarget } from './external/external-target.js';
import { embeddedOidcProviderTarget } from './oidc-provider/embedded-target.js';
import { type ConformanceTarget, TargetUnavailable } from './target.js';

/** Target names in the order of the matrix's columns. */
export const TARGET_NAMES = ['oidc-provider-http', 'oidc-provider-https', 'keycloak', 'external'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

interface KeycloakModule {
  keycloakTarget(options?: Record<string, unknown>): ConformanceTarget;
}

/** The Keycloak target lives in ./keycloak (its own helper); a build without it reports why. */
function keycloak(): ConformanceTarget {
  const specifier = './keycloak/index.js';
  let loaded: Promise<ConformanceTarget> | undefined;
  const load = () => {
    loaded ??= (import(specifier) as Promise<KeycloakModule>).then(
      (module) => module.keycloakTarget({}),
      (error: unknown) => {
        throw new TargetUnavailable(
          `the Keycloak target is not part of this build (${(error as Error).message.split('\n')[0]})`,
          'keycloak',
          { cause: error },
        );
      },
    );
    return loaded;
  };
  return {
    name: 'keycloak',
    description: 'Keycloak (a container where a Docker engine answers, else the Maven Central distribution)',
    start: async () => (await load()).start(),
  };
}

/** Every target, by name. Each is started at most once per run. */
export function createTarget(name: TargetName, env: NodeJS.ProcessEnv = process.env): ConformanceTarget {
  switch (name) {
    case 'oidc-provider-http':
      return embeddedOidcProviderTarget({ tls: false });
    case 'oidc-provider-https':
      return embeddedOidcProviderTarget({ tls: true });
    case 'keycloak':
      return keycloak();
    case 'external':
      return externalTarget(env);
  }
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}
