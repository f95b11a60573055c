import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { readClientSecret } from './read-client-secret.js';

const noStdin = Readable.from([]);
let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'oidcflow-secret-test-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('readClientSecret', () => {
  it('file, then stdin, then OIDCFLOW_CLIENT_SECRET; a trailing newline is not part of the secret', async () => {
    const file = join(directory, 'secret');
    await writeFile(file, 'from-file\n');
    const env = { OIDCFLOW_CLIENT_SECRET: 'from-env' };
    expect(await readClientSecret({ clientSecretFile: file }, env, noStdin)).toEqual({
      value: 'from-file',
      origin: '--client-secret-file',
    });
    expect(
      await readClientSecret({ clientSecretStdin: true }, env, Readable.from(['from-', 'stdin\r\n'])),
    ).toEqual({
      value: 'from-stdin',
      origin: '--client-secret-stdin',
    });
    expect(await readClientSecret({}, env, noStdin)).toEqual({
      value: 'from-env',
      origin: 'OIDCFLOW_CLIENT_SECRET',
    });
    expect(await readClientSecret({}, {}, noStdin)).toBeUndefined();
  });

  it('a missing or empty file, an empty pipe, or a terminal on stdin are usage errors', async () => {
    await expect(
      readClientSecret({ clientSecretFile: join(directory, 'none') }, {}, noStdin),
    ).rejects.toThrow(/cannot be read \(ENOENT\)/);
    const empty = join(directory, 'empty');
    await writeFile(empty, '');
    await expect(readClientSecret({ clientSecretFile: empty }, {}, noStdin)).rejects.toThrow(UsageError);
    await expect(readClientSecret({ clientSecretStdin: true }, {}, Readable.from([]))).rejects.toThrow(
      /got nothing on standard input/,
    );
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readClientSecret({ clientSecretStdin: true }, {}, terminal)).rejects.toThrow(/reads a pipe/);
  });
});
