// What an attacker who can read (or write) the cache directory, but not ask the keyring,
// finds there: ciphertext only, and entries they change are misses, not crashes.
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { createFileCache } from '@oidcflow/cache-file';
import { contractEntry, contractKeys } from '@oidcflow/cache-file/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyringCache, KEYRING_SERVICE, keyringAccountFor } from '../src/index.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  useSecretServiceInThisProcess,
} from './secret-service.js';
import { removeKernelCopy, temporaryDirectories } from './temporary-directory.js';

const missing = secretServiceMissing();
const directories = temporaryDirectories();
let service: SecretService | undefined;

/** Token values and claims that must never appear in a file. */
const SECRETS = {
  accessToken: 'at-6c1f0e4b-clear-text-canary',
  refreshToken: 'rt-91d2a7c3-clear-text-canary',
  idToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.id-token-canary',
  email: 'alice.canary@example.test',
  sub: 'subject-canary-4242',
};

function secretEntry() {
  const entry = contractEntry({
    accessToken: SECRETS.accessToken,
    refreshToken: SECRETS.refreshToken,
    idToken: SECRETS.idToken,
  });
  entry.tokens.idTokenClaims = { ...entry.tokens.idTokenClaims, sub: SECRETS.sub, email: SECRETS.email };
  return entry;
}

async function everyFileIn(directory: string): Promise<Array<{ name: string; text: string }>> {
  const names = await readdir(directory, { recursive: true });
  const files = [];
  for (const name of names) {
    const text = await readFile(join(directory, name), 'utf8').catch(() => undefined);
    if (text !== undefined) files.push({ name, text });
  }
  return files;
}

function warnings() {
  const messages: string[] = [];
  return { messages, warn: (message: string) => messages.push(message) };
}

if (missing && keyringRequired()) {
  describe('cache-keyring at rest', () => {
    it('needs a Secret Service (OIDCFLOW_REQUIRE names keyring)', () => {
      throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
    });
  });
} else {
  describe.skipIf(missing !== undefined)(
    `cache-keyring at rest, against gnome-keyring ${missing ? `(skipped: ${missing})` : ''}`,
    () => {
      beforeAll(async () => {
        service = await useSecretServiceInThisProcess();
      });
      afterEach(async () => {
        await directories.removeAll();
      });
      afterAll(async () => {
        await service?.stop();
      });

      it('writes no token, refresh token or ID-token claim in clear; the data key is in the keyring', async () => {
        const cachePath = await directories.make();
        const cache = await createKeyringCache({ cachePath });
        const { user, client } = contractKeys();
        await cache.set(user, secretEntry());
        await cache.set(client, secretEntry());
        const files = await everyFileIn(cachePath);
        expect(files.map((file) => file.name).filter((name) => name.endsWith('.sealed'))).toHaveLength(2);
        for (const file of files) {
          for (const secret of Object.values(SECRETS)) expect(file.text).not.toContain(secret);
          // Nor base64 of them (a lazy "encryption").
          for (const secret of Object.values(SECRETS))
            expect(file.text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16));
        }
        const stored = await new AsyncEntry(KEYRING_SERVICE, keyringAccountFor(cachePath)).getPassword();
        expect(Buffer.from(stored ?? '', 'base64')).toHaveLength(32);
        for (const file of files) expect(file.text).not.toContain(stored);
        // And it reads back, in another instance as another process would.
        const peer = await createKeyringCache({ cachePath });
        expect((await peer.get(user))?.tokens.refreshToken).toBe(SECRETS.refreshToken);
      });

      it('a tampered file is a miss with one warning, never an exception', async () => {
        const cachePath = await directories.make();
        const { messages, warn } = warnings();
        const cache = await createKeyringCache({ cachePath, warn });
        const { user } = contractKeys();
        await cache.set(user, secretEntry());
        const path = cache.resolvedCachePath(user)!;
        const sealed = JSON.parse(await readFile(path, 'utf8'));
        const ciphertext = Buffer.from(sealed.ciphertext, 'base64');
        ciphertext[5] = (ciphertext[5] ?? 0) ^ 0x01;
        await writeFile(path, JSON.stringify({ ...sealed, ciphertext: ciphertext.toString('base64') }), {
          mode: 0o600,
        });
        expect(await cache.get(user)).toBeUndefined();
        expect(await cache.get(user)).toBeUndefined();
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('integrity check');
        // A changed tag too.
        const tag = Buffer.from(sealed.tag, 'base64');
        tag[0] = (tag[0] ?? 0) ^ 0x80;
        await writeFile(path, JSON.stringify({ ...sealed, tag: tag.toString('base64') }), { mode: 0o600 });
        expect(await cache.get(user)).toBeUndefined();
        // Garbage in its place.
        await writeFile(path, 'not json at all', { mode: 0o600 });
        expect(await cache.get(user)).toBeUndefined();
        expect(messages.join('\n')).toContain('not an encrypted oidcflow cache entry');
        // The next login replaces it.
        await cache.set(user, secretEntry());
        expect((await cache.get(user))?.tokens.accessToken).toBe(SECRETS.accessToken);
      });

      it("another entry's file copied in its place is a miss (the ciphertext is bound to its key)", async () => {
        const cachePath = await directories.make();
        const { messages, warn } = warnings();
        const cache = await createKeyringCache({ cachePath, warn });
        const { user, otherScopes } = contractKeys();
        await cache.set(user, secretEntry());
        await copyFile(cache.resolvedCachePath(user)!, cache.resolvedCachePath(otherScopes)!);
        expect(await cache.get(otherScopes)).toBeUndefined();
        expect(messages).toHaveLength(1);
      });

      it('an entry sealed with another data key (rotated or removed keyring entry) is a miss with one warning', async () => {
        const cachePath = await directories.make();
        const { user } = contractKeys();
        await (await createKeyringCache({ cachePath })).set(user, secretEntry());
        expect(await new AsyncEntry(KEYRING_SERVICE, keyringAccountFor(cachePath)).deleteCredential()).toBe(
          true,
        );
        // Rotation as the README says: the keyring entry and its kernel keyring copy (Linux).
        removeKernelCopy(cachePath);
        const { messages, warn } = warnings();
        const rotated = await createKeyringCache({ cachePath, warn });
        expect(await rotated.get(user)).toBeUndefined();
        expect(await rotated.get(user)).toBeUndefined();
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('another data key');
      });

      it('migrates a clear-text entry of cache-file once, and removes the clear file', async () => {
        const cachePath = await directories.make();
        const { user } = contractKeys();
        const plain = createFileCache({ cachePath });
        await plain.set(user, secretEntry());
        const clearPath = plain.resolvedCachePath(user)!;
        expect(await readFile(clearPath, 'utf8')).toContain(SECRETS.refreshToken);

        const cache = await createKeyringCache({ cachePath });
        const moved = await cache.get(user);
        expect(moved?.tokens.refreshToken).toBe(SECRETS.refreshToken);
        await expect(readFile(clearPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
        for (const file of await everyFileIn(cachePath)) {
          for (const secret of Object.values(SECRETS)) expect(file.text).not.toContain(secret);
        }
        // Read from the sealed file now; the file cache sees nothing.
        expect((await cache.get(user))?.tokens.accessToken).toBe(SECRETS.accessToken);
        expect(await plain.get(user)).toBeUndefined();
      });

      it('once the data key exists, a clear-text entry beside a damaged or missing sealed one is a miss, never migrated', async () => {
        const cachePath = await directories.make();
        const { user } = contractKeys();
        const { messages, warn } = warnings();
        const cache = await createKeyringCache({ cachePath, warn });
        await cache.set(user, secretEntry());
        const sealedPath = cache.resolvedCachePath(user)!;
        const plain = createFileCache({ cachePath });
        const clearPath = plain.resolvedCachePath(user)!;
        for (const damage of [
          () => writeFile(sealedPath, 'damaged', { mode: 0o600 }),
          () => rm(sealedPath),
        ]) {
          await damage();
          await plain.set(user, secretEntry());
          expect(await cache.get(user)).toBeUndefined();
          // Nor by another instance (another process) opening the location later.
          expect(await (await createKeyringCache({ cachePath })).get(user)).toBeUndefined();
          // Left as it was: not sealed, not removed (logout or the next login removes it).
          expect(await readFile(clearPath, 'utf8')).toContain(SECRETS.refreshToken);
        }
        expect(messages.filter((message) => message.includes(clearPath))).toHaveLength(1);
        // The next login writes the sealed entry and takes the clear-text copy away.
        await cache.set(user, secretEntry());
        await expect(readFile(clearPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
        expect((await cache.get(user))?.tokens.refreshToken).toBe(SECRETS.refreshToken);
      });

      it('migration inside withLock (as core reads during a refresh) does not deadlock', async () => {
        const cachePath = await directories.make();
        const { user } = contractKeys();
        await createFileCache({ cachePath }).set(user, secretEntry());
        const cache = await createKeyringCache({ cachePath, lockTimeoutSeconds: 5 });
        const entry = await cache.withLock(user, () => cache.get(user));
        expect(entry?.tokens.refreshToken).toBe(SECRETS.refreshToken);
      });

      it('logout (delete) removes a clear-text leftover too', async () => {
        const cachePath = await directories.make();
        const { user } = contractKeys();
        const cache = await createKeyringCache({ cachePath });
        await cache.set(user, secretEntry());
        await createFileCache({ cachePath }).set(user, secretEntry());
        await cache.delete(user);
        expect(await cache.get(user)).toBeUndefined();
        expect((await everyFileIn(cachePath)).filter((file) => /\.(json|sealed)$/.test(file.name))).toEqual(
          [],
        );
      });
    },
  );
}
