import { DEFAULTS, type LoginSettings } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { callbackTarget, redirectUriFor } from './callback-target.js';

// What core passes a flow when no option is given: its DEFAULTS.
const { forceLogin, openBrowser, callbackHost, callbackPort, callbackTimeoutSeconds, pkce } = DEFAULTS;
const defaults: LoginSettings = {
  ...{ forceLogin, openBrowser, callbackHost, callbackPort, callbackTimeoutSeconds, pkce },
  allowNonLoopbackCallback: false,
};

describe('callbackTarget', () => {
  it('defaults to 127.0.0.1:8765/callback, written as the IP literal', () => {
    const target = callbackTarget(defaults);
    expect(target).toMatchObject({ bindHost: '127.0.0.1', port: 8765, path: '/callback' });
    expect(redirectUriFor(target, 8765)).toBe('http://127.0.0.1:8765/callback');
  });

  it('port 0: the redirect URI carries the port the OS chose', () => {
    const target = callbackTarget({ ...defaults, callbackPort: 0 });
    expect(target.port).toBe(0);
    expect(redirectUriFor(target, 43123)).toBe('http://127.0.0.1:43123/callback');
  });

  it('::1 is bound bare and written in brackets', () => {
    const target = callbackTarget({ ...defaults, callbackHost: '::1' });
    expect(target.bindHost).toBe('::1');
    expect(redirectUriFor(target, 9000)).toBe('http://[::1]:9000/callback');
  });

  it('takes host, port and path from redirectUri', () => {
    const target = callbackTarget({ ...defaults, redirectUri: 'http://127.0.0.1:9123/oidc/done' });
    expect(target).toMatchObject({
      bindHost: '127.0.0.1',
      port: 9123,
      path: '/oidc/done',
      portOption: 'redirectUri',
    });
    expect(redirectUriFor(target, 9123)).toBe('http://127.0.0.1:9123/oidc/done');
  });

  it('binds 127.0.0.1 for a localhost redirectUri, and keeps localhost in the URI', () => {
    const target = callbackTarget({ ...defaults, redirectUri: 'http://localhost:9123/cb' });
    expect(target.bindHost).toBe('127.0.0.1');
    expect(target.bindsBothLoopbacks).toBe(true);
    expect(redirectUriFor(target, 9123)).toBe('http://localhost:9123/cb');
  });

  it('refuses a non-loopback host unless the caller opts in', () => {
    expect(() => callbackTarget({ ...defaults, callbackHost: '0.0.0.0' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/allowNonLoopbackCallback/),
      }),
    );
    expect(() => callbackTarget({ ...defaults, redirectUri: 'http://192.168.1.5:8765/callback' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(
      callbackTarget({ ...defaults, callbackHost: '0.0.0.0', allowNonLoopbackCallback: true }).bindHost,
    ).toBe('0.0.0.0');
  });

  it('refuses redirect URIs the listener cannot serve', () => {
    for (const redirectUri of [
      'https://127.0.0.1:8765/callback',
      'http://127.0.0.1:8765/callback?x=1',
      'http://127.0.0.1:8765/callback#x',
      'callback',
    ]) {
      expect(() => callbackTarget({ ...defaults, redirectUri }), redirectUri).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });

  it('refuses a port out of range', () => {
    expect(() => callbackTarget({ ...defaults, callbackPort: 70_000 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/callbackPort/) }),
    );
  });
});
