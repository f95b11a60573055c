/**
 * The pinned Keycloak release. 26.6 is the first line that supports Java 25; Maven Central serves
 * no 26.6.x keycloak-quarkus-dist, so the newest 26.7 it serves is used.
 */
export const KEYCLOAK_VERSION = '26.7.3';

/** The container image of the same release (used where a Docker engine answers). */
export const KEYCLOAK_IMAGE = `quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}`;

export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/**
 * Where a Maven repository (Maven Central, or a mirror in the same layout) keeps the
 * distribution archive of `version`; the `.sha1` sits beside it.
 */
export function distributionUrl(version: string, repositoryUrl: string = MAVEN_CENTRAL): string {
  const base = repositoryUrl.replace(/\/+$/, '');
  return `${base}/org/keycloak/keycloak-quarkus-dist/${version}/${distributionFileName(version)}`;
}

/** OIDCFLOW_KEYCLOAK_REPOSITORY names a mirror of Maven Central (a proxy at work); else Maven Central. */
export function repositoryFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string {
  const value = environment.OIDCFLOW_KEYCLOAK_REPOSITORY;
  return value && value.trim() !== '' ? value.trim() : MAVEN_CENTRAL;
}

export function distributionFileName(version: string): string {
  return `keycloak-quarkus-dist-${version}.tar.gz`;
}

/** The realm the target imports; the issuer ends in `/realms/<this>`. */
export const REALM_NAME = 'oidcflow';
