import type { SkipCause } from '../matrix/cell.js';
import { externalTarget } from './external/external-target.js';
import { embeddedOidcProviderTarget } from './oidc-provider/embedded-target.js';
import { type ConformanceTarget, TargetUnavailable } from './target.js';
import { loadTargetPackage } from './target-package.js';

/** Target names in the order of the matrix's columns. */
export const TARGET_NAMES = [
  'oidc-provider-http',
  'oidc-provider-https',
  'oidc-provider-slash',
  'keycloak',
  'keycloak-container',
  'hydra',
  'spring',
  'external',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/**
 * The targets that come in packages of their own (each brings a server build or a container
 * runtime the kit does not carry), with their `prepare-<target>` subcommands.
 */
export const TARGET_PACKAGES = [
  {
    packageName: '@oidcflow/target-keycloak',
    targets: ['keycloak', 'keycloak-container'],
    prepareCommands: ['prepare-keycloak', 'prepare-keycloak-container'],
  },
  { packageName: '@oidcflow/target-hydra', targets: ['hydra'], prepareCommands: ['prepare-hydra'] },
  { packageName: '@oidcflow/target-spring', targets: ['spring'], prepareCommands: ['prepare-spring'] },
] as const satisfies readonly {
  packageName: string;
  targets: readonly TargetName[];
  prepareCommands: readonly string[];
}[];

/** The package a target or prepare command comes in, when it is not one of the kit's own. */
export function targetPackageOf(name: string): (typeof TARGET_PACKAGES)[number] | undefined {
  return TARGET_PACKAGES.find(
    (entry) =>
      (entry.targets as readonly string[]).includes(name) ||
      (entry.prepareCommands as readonly string[]).includes(name),
  );
}

/** How to get a target package, as the matrix cell and the prepare command say it. */
export function installHint(packageName: string): string {
  return `${packageName} is not installed here; add it with \`pnpm add -D ${packageName}\` (or npm i -D ${packageName})`;
}

/** A target of a package, imported when the run starts it: absent → skipped, saying how to get it. */
function packagedTarget(name: TargetName, packageName: string, env: NodeJS.ProcessEnv): ConformanceTarget {
  return {
    name,
    description: `${name} (from ${packageName})`,
    async start() {
      const targetPackage = await loadTargetPackage(packageName);
      if (!targetPackage)
        throw new TargetUnavailable(
          `the ${name} target comes in ${installHint(packageName)}`,
          name as SkipCause,
        );
      const create = targetPackage.targets[name];
      if (!create) throw new Error(`${packageName} has no target named ${name}`);
      return create(env).start();
    },
  };
}

/** Every target, by name. Each is started at most once per run. */
export function createTarget(name: TargetName, env: NodeJS.ProcessEnv = process.env): ConformanceTarget {
  switch (name) {
    case 'oidc-provider-http':
      return embeddedOidcProviderTarget({ tls: false });
    case 'oidc-provider-https':
      return embeddedOidcProviderTarget({ tls: true });
    case 'oidc-provider-slash':
      // An issuer ending in `/` (Auth0's do): its metadata is found by the one rule, not by pasting.
      return embeddedOidcProviderTarget({ name: 'oidc-provider-slash', issuerPath: '/' });
    case 'external':
      return externalTarget(env);
    default:
      return packagedTarget(name, targetPackageOf(name)!.packageName, env);
  }
}

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}
