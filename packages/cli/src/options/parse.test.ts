import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { acceptedOptionsFor, COMMAND_NAMES, OPTION_TABLE } from './option-table.js';
import { parseCommandLine, splitList } from './parse.js';

describe('parseCommandLine', () => {
  it('a flag wins over its variable, a variable over the default (absent)', () => {
    const env = { OIDCFLOW_ISSUER: 'https://from-env.example', OIDCFLOW_CLIENT_ID: 'env-client' };
    const { settings, origins } = parseCommandLine('token', ['--issuer', 'https://from-flag.example'], env);
    expect(settings.issuer).toBe('https://from-flag.example');
    expect(settings.clientId).toBe('env-client');
    expect(settings.audience).toBeUndefined();
    expect(origins).toEqual({ issuer: '--issuer', clientId: 'OIDCFLOW_CLIENT_ID' });
  });

  it('with some of the options (the warm path), any other flag is an unknown option', () => {
    const some = acceptedOptionsFor('token').filter(
      (option) => option.flag === 'issuer' || option.flag === 'output',
    );
    expect(
      parseCommandLine('token', ['--issuer', 'https://x.example', '-o', 'token'], {}, some).settings,
    ).toEqual({
      issuer: 'https://x.example',
      output: 'token',
    });
    expect(() =>
      parseCommandLine('token', ['--issuer', 'https://x.example', '--no-browser'], {}, some),
    ).toThrow(/Unknown option '--no-browser'/);
    // Only their variables are read.
    expect(parseCommandLine('token', [], { OIDCFLOW_AUDIENCE: 'api' }, some).settings).toEqual({});
  });

  it('scopes: repeated flags, commas or spaces', () => {
    expect(
      parseCommandLine('token', ['--scope', 'openid,profile', '--scope', 'email'], {}).settings.scopes,
    ).toEqual(['openid', 'profile', 'email']);
    expect(parseCommandLine('token', [], { OIDCFLOW_SCOPES: 'openid  api:read' }).settings.scopes).toEqual([
      'openid',
      'api:read',
    ]);
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  });

  it('inverted flags and their variables: --no-browser / OIDCFLOW_OPEN_BROWSER', () => {
    expect(parseCommandLine('login', ['--no-browser'], {}).settings.openBrowser).toBe(false);
    expect(parseCommandLine('login', [], { OIDCFLOW_OPEN_BROWSER: 'false' }).settings.openBrowser).toBe(
      false,
    );
    expect(parseCommandLine('login', [], { OIDCFLOW_OPEN_BROWSER: 'yes' }).settings.openBrowser).toBe(true);
    expect(parseCommandLine('login', [], { OIDCFLOW_PKCE: '0' }).settings.pkce).toBe(false);
    expect(parseCommandLine('login', [], {}).settings.openBrowser).toBeUndefined();
  });

  it('integers and booleans from the environment are checked', () => {
    expect(parseCommandLine('login', [], { OIDCFLOW_CALLBACK_PORT: '0' }).settings.callbackPort).toBe(0);
    expect(() => parseCommandLine('login', [], { OIDCFLOW_CALLBACK_PORT: '80a' })).toThrow(
      /OIDCFLOW_CALLBACK_PORT needs a whole number/,
    );
    expect(() => parseCommandLine('token', [], { OIDCFLOW_FORCE_LOGIN: 'maybe' })).toThrow(UsageError);
  });

  it('--output takes only the formats of its command', () => {
    expect(parseCommandLine('token', ['-o', 'exec-credential'], {}).settings.output).toBe('exec-credential');
    expect(() => parseCommandLine('token', ['-o', 'yaml'], {})).toThrow(/must be one of token, json, header/);
    expect(() => parseCommandLine('status', ['-o', 'header'], {})).toThrow(/must be one of text, json/);
  });

  it('login-only options are accepted and ignored by status, so one set of flags fits all', () => {
    const { settings } = parseCommandLine('status', ['--callback-port', '0', '--no-browser'], {});
    expect(settings.callbackPort).toBe(0);
    expect(() => parseCommandLine('status', ['--include-refresh-token'], {})).toThrow(UsageError);
  });

  it('the login request: --auth-param keeps values whole, repeated; malformed pairs are usage errors', () => {
    const { settings } = parseCommandLine(
      'login',
      [
        '--auth-param',
        'claims={"a":1,"b":2}',
        '--auth-param=kc_idp_hint=github',
        '--acr-values',
        'gold silver',
        '--max-age',
        '0',
      ],
      { OIDCFLOW_LOGIN_HINT: 'alice@example.test', OIDCFLOW_UI_LOCALES: 'de,en' },
    );
    expect(settings.authParams).toEqual({ claims: '{"a":1,"b":2}', kc_idp_hint: 'github' });
    expect(settings.acrValues).toEqual(['gold', 'silver']);
    expect(settings.maxAge).toBe(0);
    expect(settings.loginHint).toBe('alice@example.test');
    expect(settings.uiLocales).toEqual(['de', 'en']);
    expect(() => parseCommandLine('login', ['--auth-param', 'novalue'], {})).toThrow(
      /--auth-param needs KEY=VALUE, not "novalue"/,
    );
    expect(() => parseCommandLine('login', ['--auth-param', '=x'], {})).toThrow(UsageError);
  });

  it('unknown options, stray words and a secret in argv are usage errors; the secret is not echoed', () => {
    expect(() => parseCommandLine('token', ['--nope'], {})).toThrow(/Unknown option '--nope'/);
    expect(() => parseCommandLine('token', ['extra'], {})).toThrow(UsageError);
    for (const args of [['--client-secret', 's3cr3t-value'], ['--client-secret=s3cr3t-value']]) {
      let message = '';
      try {
        parseCommandLine('token', args, {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('OIDCFLOW_CLIENT_SECRET');
      expect(message).not.toContain('s3cr3t-value');
    }
  });
});

describe('the option table', () => {
  it('has a flag for every OidcAuth / OidcCredentialsAuth setting and the variables the docs promise', () => {
    const variables = new Set(OPTION_TABLE.map((option) => option.env).filter(Boolean));
    for (const name of [
      'OIDCFLOW_ISSUER',
      'OIDCFLOW_CLIENT_ID',
      'OIDCFLOW_SCOPES',
      'OIDCFLOW_AUDIENCE',
      'OIDCFLOW_USE_SERVER_AUDIENCE',
      'OIDCFLOW_CA_CERT_PATH',
      'OIDCFLOW_CACHE_PATH',
      'OIDCFLOW_TOKEN_ENDPOINT',
      'OIDCFLOW_DEVICE_AUTHORIZATION_ENDPOINT',
      'OIDCFLOW_FLOW',
      'OIDCFLOW_FORCE_LOGIN',
      'OIDCFLOW_OPEN_BROWSER',
      'OIDCFLOW_AUTHORIZATION_ENDPOINT',
      'OIDCFLOW_REDIRECT_URI',
      'OIDCFLOW_CALLBACK_HOST',
      'OIDCFLOW_CALLBACK_PORT',
      'OIDCFLOW_CALLBACK_TIMEOUT_SECONDS',
      'OIDCFLOW_PKCE',
      'OIDCFLOW_ALLOW_INSECURE_HTTP',
      'OIDCFLOW_PRIVATE_KEY_PATH',
      'OIDCFLOW_RESOURCE_URL',
    ]) {
      expect(variables.has(name), name).toBe(true);
    }
    // The secret is read from the environment directly; no flag takes it as a value.
    expect(OPTION_TABLE.some((option) => option.flag === 'client-secret')).toBe(false);
  });

  it('every option belongs to a command, and no command has a flag twice', () => {
    for (const command of COMMAND_NAMES) {
      const flags = OPTION_TABLE.filter((option) => option.commands.includes(command)).map(
        (option) => option.flag,
      );
      expect(new Set(flags).size, command).toBe(flags.length);
    }
  });
});
