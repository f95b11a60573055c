// Issue 12, item 7: a live lock holder lost its lock after 30 s of silence (Ctrl-Z, a sleeping
// laptop): two refreshes raced on one rotating refresh token, and the loser's invalid_grant
// deleted the winner's fresh entry.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createFileCache } from '@oidcflow/cache-file';
import { cacheKeyFor, ErrorCode, OidcCredentialsAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, removeDirectories, script, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

const held: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  for (const child of held.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  killChildren();
  await stopServers();
  await removeDirectories();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the cache lock under attack by time', () => {
  it('a holder stopped with Ctrl-Z keeps its lock past the stale bound; once it is gone the lock is free at once', async () => {
    const cachePath = await temporaryDirectory();
    const holder = spawn(process.execPath, [script('hold-lock.mjs'), cachePath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    held.push(holder);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the holder did not take the lock within 20 s')),
        20_000,
      );
      holder.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    holder.kill('SIGSTOP');
    // Past the stale bound (1 s) without a heartbeat; the waiter below waits 3 s more.
    await sleep(1_000);
    const key = cacheKeyFor({
      issuer: 'https://idp.example',
      clientId: 'cli',
      scopes: ['openid'],
      family: 'user',
    });
    const waiter = createFileCache({
      cachePath,
      lockStaleSeconds: 1,
      lockHeartbeatSeconds: 0.2,
      lockTimeoutSeconds: 3,
    });
    const error = await waiter
      .withLock(key, async () => 'taken')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.CACHE_LOCK_TIMEOUT);
    expect((error as Error).message).toContain(`process ${holder.pid}`);

    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const started = Date.now();
    expect(await waiter.withLock(key, async () => 'taken')).toBe('taken');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('invalid_grant after another process rotated the refresh token deletes nothing: its fresh entry is used', async () => {
    const cachePath = await temporaryDirectory();
    let file = '';
    let grants = 0;
    const idp = await startServer(async (request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
      const parameters = new URLSearchParams(request.body);
      if (parameters.get('grant_type') === 'refresh_token') {
        // Another process won the race: it rotated the token and saved its entry…
        const document = JSON.parse(await readFile(file, 'utf8'));
        document.entry.tokens = {
          accessToken: 'saved-by-the-winner',
          tokenType: 'Bearer',
          refreshToken: 'rotated-refresh-token',
          expiresAt: Date.now() + 3_600_000,
        };
        document.entry.savedAt = Date.now();
        await writeFile(file, JSON.stringify(document), { mode: 0o600 });
        // …so the refresh token this process sends is spent.
        return json(response, 400, { error: 'invalid_grant', error_description: 'refresh token reused' });
      }
      grants += 1;
      json(response, 200, {
        access_token: `granted-${grants}`,
        token_type: 'Bearer',
        expires_in: 1,
        refresh_token: `refresh-${grants}`,
      });
    });
    const auth = new OidcCredentialsAuth({
      issuer: idp.url,
      clientId: 'ci',
      clientSecret: 'ci-secret-value',
      cachePath,
      logger: silentLogger,
      env: {},
    });
    file = (await auth.resolvedCachePath()) as string;
    expect(await auth.getAccessToken()).toBe('granted-1');
    await sleep(700); // past half of the 1 s lifetime: refresh
    expect(await auth.getAccessToken()).toBe('saved-by-the-winner');
    const kept = JSON.parse(await readFile(file, 'utf8'));
    expect(kept.entry.tokens.refreshToken).toBe('rotated-refresh-token');
    expect(grants).toBe(1);
  });
});
