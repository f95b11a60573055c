import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IdpPlugin, type ServerMetadata, SPECIFICATION_VERSION } from '@oidcflow/core';

/** Temporary directories made by one test file; `removeAll` in afterEach. */
export function temporaryDirectories() {
  const made: string[] = [];
  return {
    async make(prefix = 'oidcflow-credentials-'): Promise<string> {
      const directory = await mkdtemp(join(tmpdir(), prefix));
      made.push(directory);
      return directory;
    },
    async removeAll(): Promise<void> {
      for (const directory of made.splice(0)) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Writes a private key as a user would keep it: a 0600 file. */
export async function writePrivateKeyFile(directory: string, pem: string): Promise<string> {
  const path = join(directory, 'client-key.pem');
  await writeFile(path, pem, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** Every byte of every file under `directory`, as one string (for "is the secret anywhere?"). */
export async function contentsOf(directory: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

/** An IdP plugin for the test IdP (matched by issuer), described by data. */
export function testIdpPlugin(
  issuer: string,
  quirks: {
    audienceParameter?: IdpPlugin['audienceParameter'];
    authMethods?: string[];
  },
): IdpPlugin {
  const { authMethods } = quirks;
  const plugin: IdpPlugin = {
    kind: 'idp',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'test-idp-quirks',
    matches: (input) => input.issuer === issuer,
    ...(quirks.audienceParameter ? { audienceParameter: quirks.audienceParameter } : {}),
    ...(authMethods
      ? {
          // The test IdP advertises every method; this narrows it as a stricter IdP would.
          adjustMetadata: (metadata: ServerMetadata) => ({
            ...metadata,
            token_endpoint_auth_methods_supported: authMethods,
          }),
        }
      : {}),
  };
  return plugin;
}

/** The claims of a JWT, without checking its signature (the test only reads `aud`). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
