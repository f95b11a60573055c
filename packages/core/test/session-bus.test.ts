// The session-bus rule decides, before anything is loaded, that no keyring can answer: a wrong
// "missing" sends a desktop user's tokens to clear-text files, a wrong "present" costs an SSH
// user the binding's load and a failed connection. Real sockets and paths in a temporary
// directory; the D-Bus address grammar as the binding (zbus) reads it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionBusMissing } from '../src/cache/session-bus.js';

let directory: string;
let socket: string;
let gone: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'oidcflow-session-bus-'));
  // Existence is all the rule asks (access(2)); a file stands in for the socket.
  socket = join(directory, 'bus socket,1');
  await writeFile(socket, '');
  gone = join(directory, 'gone');
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const escaped = (path: string) => encodeURIComponent(path).replaceAll('%2F', '/');
const missingFor = (address: string | undefined, extra: NodeJS.ProcessEnv = {}) =>
  sessionBusMissing(
    { ...(address === undefined ? {} : { DBUS_SESSION_BUS_ADDRESS: address }), ...extra },
    'linux',
  );

describe('sessionBusMissing', () => {
  it('finds a bus where the address names a socket that exists', () => {
    expect(missingFor(`unix:path=${escaped(socket)}`)).toBeUndefined();
    expect(missingFor(`unix:path=${escaped(socket)},guid=0123456789abcdef`)).toBeUndefined();
    expect(missingFor(`unix:guid=0123456789abcdef,path=${escaped(socket)}`)).toBeUndefined();
    // One of several entries is enough.
    expect(missingFor(`unix:path=${gone};unix:path=${escaped(socket)}`)).toBeUndefined();
    expect(missingFor(`;unix:path=${escaped(socket)};`)).toBeUndefined();
  });

  it('says why where every entry is a unix socket path that does not exist', () => {
    expect(missingFor(`unix:path=${gone}`)).toBe(
      `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS names ${gone}, which does not exist`,
    );
    expect(missingFor(`unix:path=${gone},guid=x;unix:path=${gone}-2`)).toBe(
      `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS names ${gone}, ${gone}-2, which does not exist`,
    );
    // A repeated key: the last one counts.
    expect(missingFor(`unix:path=${escaped(socket)},path=${gone}`)).toMatch(/names .*gone, which/);
  });

  it('leaves every other address to the binding', () => {
    for (const address of [
      'unix:abstract=/tmp/dbus-abcdef,guid=x',
      'unix:tmpdir=/tmp',
      'unix:path=',
      'unix:',
      'tcp:host=127.0.0.1,port=1',
      'autolaunch:',
      `unix:path=${gone};tcp:host=127.0.0.1,port=1`,
      // A malformed escape is not read as a missing socket (nor thrown).
      'unix:path=/tmp/dbus-%ZZ',
      'unix:path=/tmp/dbus-%ZZ;tcp:host=127.0.0.1,port=1',
      ';;',
    ])
      expect(missingFor(address), address).toBeUndefined();
  });

  it('without an address, looks for the systemd user bus at $XDG_RUNTIME_DIR/bus', async () => {
    expect(missingFor(undefined, { XDG_RUNTIME_DIR: directory })).toBe(
      `no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no ${directory}/bus`,
    );
    await writeFile(join(directory, 'bus'), '');
    try {
      expect(missingFor(undefined, { XDG_RUNTIME_DIR: directory })).toBeUndefined();
      expect(missingFor('', { XDG_RUNTIME_DIR: directory })).toBeUndefined();
    } finally {
      await rm(join(directory, 'bus'));
    }
  });

  it('asks nothing on macOS and Windows, whose keyrings need no bus', () => {
    expect(sessionBusMissing({}, 'darwin')).toBeUndefined();
    expect(sessionBusMissing({}, 'win32')).toBeUndefined();
  });
});
