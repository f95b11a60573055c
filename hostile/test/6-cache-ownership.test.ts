// Issue 12, item 6: the cache trusted files another user owns (only modes were checked) and
// followed a symlinked cache directory.
import { chown, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, OidcCredentialsAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

afterEach(async () => {
  await stopServers();
  await removeDirectories();
});

const NOBODY = 65_534;
const runsAsRoot = process.getuid?.() === 0;

async function idp() {
  let issued = 0;
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
    issued += 1;
    json(response, 200, { access_token: `real-token-${issued}`, token_type: 'Bearer', expires_in: 3600 });
  });
}

const authFor = (issuer: string, cachePath: string) =>
  new OidcCredentialsAuth({
    issuer,
    clientId: 'ci',
    clientSecret: 'ci-secret-value',
    cachePath,
    logger: silentLogger,
    env: {},
  });

async function rejectionOf(promise: Promise<unknown>): Promise<OidcflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}

describe('a cache planted by someone else', () => {
  // Only root can give files away: the case of sudo keeping another user's HOME or XDG_CACHE_HOME.
  it.skipIf(!runsAsRoot)(
    'a token file planted by nobody in root’s cache is refused (CACHE_INSECURE), not used (needs root)',
    async () => {
      const server = await idp();
      const cachePath = join(await temporaryDirectory(), 'cache');
      expect(await authFor(server.url, cachePath).getAccessToken()).toBe('real-token-1');
      const file = (await authFor(server.url, cachePath).resolvedCachePath()) as string;
      const document = JSON.parse(await readFile(file, 'utf8'));
      document.entry.tokens.accessToken = 'planted-by-nobody';
      await writeFile(file, JSON.stringify(document), { mode: 0o600 });
      await chown(file, NOBODY, NOBODY);
      const onFile = await rejectionOf(authFor(server.url, cachePath).getAccessToken());
      expect(onFile.code).toBe(ErrorCode.CACHE_INSECURE);
      expect(onFile.message).toContain(`belongs to user id ${NOBODY}`);
    },
  );

  it('a cache directory another user owns is refused (CACHE_INSECURE), whatever its modes', async () => {
    const server = await idp();
    let cachePath: string;
    let owner: number;
    if (runsAsRoot) {
      cachePath = join(await temporaryDirectory(), 'cache');
      await mkdir(cachePath, { mode: 0o700 });
      await chown(cachePath, NOBODY, NOBODY);
      owner = NOBODY;
    } else {
      // Without root nothing can be given away, but / is root's: 0755, private enough by modes.
      cachePath = '/';
      owner = 0;
    }
    const error = await rejectionOf(authFor(server.url, cachePath).getAccessToken());
    expect(error.code).toBe(ErrorCode.CACHE_INSECURE);
    expect(error.message).toContain(`belongs to user id ${owner}`);
  });

  it('a symlinked cache directory is refused (CACHE_INSECURE), not followed', async () => {
    const server = await idp();
    const elsewhere = await temporaryDirectory();
    const cachePath = join(await temporaryDirectory(), 'cache');
    await symlink(elsewhere, cachePath);
    const error = await rejectionOf(authFor(server.url, cachePath).getAccessToken());
    expect(error.code).toBe(ErrorCode.CACHE_INSECURE);
    expect(error.message).toContain('symbolic link');
  });
});
