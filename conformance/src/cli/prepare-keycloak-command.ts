interface KeycloakPreparation {
  prepareKeycloak(options?: Record<string, unknown>): Promise<unknown>;
}

/**
 * `oidcflow-conformance prepare-keycloak`: downloads and sets up what the Keycloak target
 * needs ahead of a run (so the run itself measures scenarios, not downloads). The work is the
 * Keycloak target's; this only hands over.
 */
export async function prepareKeycloakCommand(args: string[], write: (text: string) => void): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    write(
      'Usage: oidcflow-conformance prepare-keycloak\n\nFetches and prepares Keycloak for the keycloak target.\n',
    );
    return 0;
  }
  const specifier = '../targets/keycloak/index.js';
  let module: KeycloakPreparation;
  try {
    module = (await import(specifier)) as KeycloakPreparation;
  } catch (error) {
    write(
      `prepare-keycloak: the Keycloak target is not part of this build (${(error as Error).message.split('\n')[0]})\n`,
    );
    return 1;
  }
  const result = await module.prepareKeycloak({});
  if (typeof result === 'string') write(`${result}\n`);
  else if (result && typeof result === 'object') write(`${JSON.stringify(result, null, 2)}\n`);
  write('Keycloak is prepared.\n');
  return 0;
}
