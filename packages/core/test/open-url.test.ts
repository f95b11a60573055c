import { describe, expect, it } from 'vitest';
import { browserCommands, browserEntryCommand, openSystemBrowser } from '../src/ports/open-url.js';

const URL_WITH_QUERY = 'https://idp.example.com/auth?client_id=cli&state=a&scope=openid%20profile';

describe('browserEntryCommand', () => {
  it('puts the URL at %s, or last, as one argument', () => {
    expect(browserEntryCommand('firefox --new-tab %s', URL_WITH_QUERY)).toEqual({
      file: 'firefox',
      args: ['--new-tab', URL_WITH_QUERY],
    });
    expect(browserEntryCommand('  chromium  ', URL_WITH_QUERY)).toEqual({
      file: 'chromium',
      args: [URL_WITH_QUERY],
    });
  });

  it('honours quotes without a shell, so a path with spaces stays one word', () => {
    expect(browserEntryCommand('"/opt/My Browser/browser" --flag \'a b\'', 'http://x/')).toEqual({
      file: '/opt/My Browser/browser',
      args: ['--flag', 'a b', 'http://x/'],
    });
  });

  it('ignores an empty entry', () => {
    expect(browserEntryCommand('   ', 'http://x/')).toBeUndefined();
  });
});

describe('browserCommands', () => {
  const files = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform) =>
    browserCommands('http://x/', env, platform).map((command) => command.file);

  it('tries every BROWSER entry first, then the platform opener', () => {
    expect(files({ BROWSER: 'one:two --x' }, 'linux')).toEqual(['one', 'two', 'xdg-open']);
    expect(files({}, 'darwin')).toEqual(['open']);
    expect(files({ BROWSER: 'a;b' }, 'win32')).toEqual(['a', 'b', 'cmd.exe']);
  });

  it('on WSL tries wslview and the Windows start command before xdg-open, escaping cmd.exe metacharacters', () => {
    const commands = browserCommands(URL_WITH_QUERY, { WSL_DISTRO_NAME: 'Debian' }, 'linux');
    expect(commands.map((command) => command.file)).toEqual(['wslview', 'cmd.exe', 'xdg-open']);
    expect(commands[1]?.args.at(-1)).toBe(URL_WITH_QUERY.replaceAll('&', '^&'));
  });

  it('on Windows quotes the URL for start, so & does not split the command', () => {
    const [command] = browserCommands(URL_WITH_QUERY, {}, 'win32');
    expect(command).toMatchObject({ file: 'cmd.exe', verbatim: true });
    expect(command?.args.at(-1)).toBe(`"start "" "${URL_WITH_QUERY}""`);
  });
});

describe('openSystemBrowser', () => {
  it('reports success for the first command that exits 0, failure when none does', async () => {
    expect(
      await openSystemBrowser(
        'http://127.0.0.1:1/x',
        { BROWSER: 'false:true', PATH: process.env.PATH },
        'darwin',
      ),
    ).toBe(true);
    expect(
      await openSystemBrowser(
        'http://127.0.0.1:1/x',
        { BROWSER: 'oidcflow-no-such-command', PATH: '/nonexistent' },
        'linux',
      ),
    ).toBe(false);
  });

  it('opens only http and https URLs', async () => {
    expect(
      await openSystemBrowser('file:///etc/passwd', { BROWSER: 'true', PATH: process.env.PATH }, 'linux'),
    ).toBe(false);
    expect(await openSystemBrowser('not a url', { BROWSER: 'true', PATH: process.env.PATH }, 'linux')).toBe(
      false,
    );
  });
});
