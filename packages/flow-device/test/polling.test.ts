import { ErrorCode, OidcAuth } from '@oidcflow/core';
import { completeDeviceVerificationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceVerification } from '../src/index.js';
import {
  captureOutput,
  createFakeClock,
  DEVICE_GRANT,
  deviceOptions,
  type FakeClock,
  oauthError,
  rejectionOf,
  startIdpProxy,
} from './support.js';

// `fast` sends interval 1 like a quick IdP; `plain` sends none, as oidc-provider does by default.
let fast: TestIdp;
let plain: TestIdp;
beforeAll(async () => {
  [fast, plain] = await Promise.all([startTestIdp({ deviceIntervalSeconds: 1 }), startTestIdp()]);
});
afterAll(async () => {
  await Promise.all([fast?.stop(), plain?.stop()]);
});

let clock: FakeClock;
beforeEach(() => {
  clock = createFakeClock();
  fast.requests.reset();
  plain.requests.reset();
  fast.script.clear();
  plain.script.clear();
});

const polls = (idp: TestIdp) => idp.requests.tokenRequests(DEVICE_GRANT);

/** The user approves on "another device" before the first poll (onVerification is awaited). */
const approveOn = (idp: TestIdp) => async (verification: DeviceVerification) => {
  await completeDeviceVerificationWithoutBrowser(verification.verificationUriComplete!, idp.user);
};

describe('poll spacing (RFC 8628 §3.5)', () => {
  it('slow_down, then authorization_pending, then tokens: polls at interval, interval + 5 s, interval + 5 s', async () => {
    fast.script.tokenResponses([oauthError('slow_down'), oauthError('authorization_pending')], {
      grantType: DEVICE_GRANT,
    });
    const tokens = await new OidcAuth(
      deviceOptions(fast, { clock, flow: { onVerification: approveOn(fast) } }),
    ).getTokens();
    expect(clock.sleeps).toEqual([1_000, 6_000, 6_000]);
    expect(polls(fast)).toBe(3);
    expect(tokens.idTokenClaims?.sub).toBe(fast.user.claims.sub);
    expect(tokens.refreshToken).toBeTruthy();
  });

  it('without an interval the first poll waits 5 s, and every slow_down adds 5 s for good', async () => {
    plain.script.tokenResponses(
      [
        oauthError('authorization_pending'),
        oauthError('slow_down'),
        oauthError('authorization_pending'),
        oauthError('slow_down'),
      ],
      { grantType: DEVICE_GRANT },
    );
    await new OidcAuth(
      deviceOptions(plain, { clock, flow: { onVerification: approveOn(plain) } }),
    ).getAccessToken();
    expect(clock.sleeps).toEqual([5_000, 5_000, 10_000, 10_000, 15_000]);
    expect(polls(plain)).toBe(5);
  });
});

describe('errors that end the login', () => {
  it('expired_token stops at once with DEVICE_CODE_EXPIRED and the IdP description, without a new code', async () => {
    fast.script.tokenResponses([oauthError('expired_token', 'device code expired')], {
      grantType: DEVICE_GRANT,
    });
    const error = await rejectionOf(new OidcAuth(deviceOptions(fast, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.DEVICE_CODE_EXPIRED);
    expect(error.oauthErrorDescription).toBe('device code expired');
    expect(error.message).toContain('device code expired');
    expect(polls(fast)).toBe(1);
    expect(fast.requests.count({ path: '/device/auth' })).toBe(1);
  });

  it('access_denied (the user refused on the IdP page) stops at once with LOGIN_DENIED', async () => {
    const deny = async (verification: DeviceVerification) => {
      await completeDeviceVerificationWithoutBrowser(verification.verificationUriComplete!, fast.user, {
        decision: 'deny',
      });
    };
    const error = await rejectionOf(
      new OidcAuth(deviceOptions(fast, { clock, flow: { onVerification: deny } })).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.LOGIN_DENIED);
    expect(error.oauthError).toBe('access_denied');
    expect(error.flow).toBe('device');
    expect(polls(fast)).toBe(1);
  });

  it('any other OAuth error is reported with the IdP error_description', async () => {
    fast.script.tokenResponses([oauthError('invalid_grant', 'grant request is invalid: code reused')], {
      grantType: DEVICE_GRANT,
    });
    const error = await rejectionOf(new OidcAuth(deviceOptions(fast, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.message).toContain('grant request is invalid: code reused');
    expect(polls(fast)).toBe(1);
  });
});

describe('the deadline (expires_in)', () => {
  let shortLived: TestIdp;
  beforeAll(async () => {
    shortLived = await startTestIdp({ lifetimes: { deviceCode: 12 } });
  });
  afterAll(async () => {
    await shortLived?.stop();
  });
  beforeEach(() => shortLived.requests.reset());

  it('never polls at or past expires_in and ends with LOGIN_TIMEOUT', async () => {
    const error = await rejectionOf(new OidcAuth(deviceOptions(shortLived, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.LOGIN_TIMEOUT);
    expect(error.message).toContain('12 seconds');
    // Polls at 5 s and 10 s; the next one would be at 15 s, after the code expired at 12 s.
    expect(clock.sleeps).toEqual([5_000, 5_000]);
    expect(polls(shortLived)).toBe(2);
  });

  it('counts slow_down in: no poll is sent when the longer interval passes the deadline', async () => {
    shortLived.script.tokenResponses([oauthError('slow_down')], { grantType: DEVICE_GRANT });
    const error = await rejectionOf(new OidcAuth(deviceOptions(shortLived, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.LOGIN_TIMEOUT);
    expect(clock.sleeps).toEqual([5_000]);
    expect(polls(shortLived)).toBe(1);
  });
});

describe('abort', () => {
  it('an abort while waiting between polls stops the login at once with LOGIN_ABORTED', async () => {
    const controller = new AbortController();
    clock.onSleep = (count) => {
      if (count === 2) controller.abort(new Error('user pressed Ctrl-C'));
    };
    const error = await rejectionOf(
      new OidcAuth(deviceOptions(fast, { clock, extra: { signal: controller.signal } })).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.LOGIN_ABORTED);
    expect(polls(fast)).toBe(1);
  });

  it('with the system clock, an abort before the first poll ends the wait without polling', async () => {
    const controller = new AbortController();
    const login = new OidcAuth(
      deviceOptions(plain, {
        extra: { signal: controller.signal },
        // The code is shown; the user gives up (plain sends no interval: the first poll is 5 s away).
        flow: { onVerification: () => void setTimeout(() => controller.abort(), 50) },
      }),
    ).getAccessToken();
    const error = await rejectionOf(login);
    expect(error.code).toBe(ErrorCode.LOGIN_ABORTED);
    expect(polls(plain)).toBe(0);
  });
});

describe('a token endpoint that is not answering OAuth', () => {
  const html502 = {
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    contentType: 'text/html',
  };

  it('an HTML 502 is retried with back-off, and the login completes when the IdP recovers', async () => {
    fast.script.tokenResponses([html502, html502], { grantType: DEVICE_GRANT });
    const tokens = await new OidcAuth(
      deviceOptions(fast, { clock, flow: { onVerification: approveOn(fast) } }),
    ).getTokens();
    expect(tokens.accessToken).toBeTruthy();
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000]);
    expect(polls(fast)).toBe(3);
  });

  it('an HTML 502 that persists ends the login with TOKEN_REQUEST_FAILED, without the page in the message', async () => {
    fast.script.tokenResponses([html502, html502, html502, html502], { grantType: DEVICE_GRANT });
    const error = await rejectionOf(new OidcAuth(deviceOptions(fast, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(502);
    expect(error.message).toContain('HTTP 502 (text/html)');
    expect(error.message).not.toContain('<html');
    expect(polls(fast)).toBe(4);
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('an HTTP 500 with a JSON OAuth error is the IdP answering: reported at once with its words, not retried', async () => {
    const serverError = {
      status: 500,
      body: { error: 'server_error', error_description: 'user not found' },
    };
    fast.script.tokenResponses([serverError, serverError, serverError, serverError], {
      grantType: DEVICE_GRANT,
    });
    const started = performance.now();
    const error = await rejectionOf(new OidcAuth(deviceOptions(fast, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('server_error');
    expect(error.oauthErrorDescription).toBe('user not found');
    expect(error.status).toBe(500);
    expect(error.message).toContain('server_error: user not found');
    expect(error.message).not.toContain('instead of an OAuth response');
    // One poll after the first interval: no back-off of 2 + 4 + 8 s (a minute at interval 5).
    expect(polls(fast)).toBe(1);
    expect(clock.sleeps).toEqual([1_000]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('connection errors back off exponentially up to 60 s instead of hammering, then the login completes', async () => {
    const proxy = await startIdpProxy(plain, { resetTokenRequests: 5 });
    try {
      const tokens = await new OidcAuth(
        deviceOptions(plain, {
          clock,
          flow: { onVerification: approveOn(plain) },
          extra: { tokenEndpoint: `${proxy.url}/token` },
        }),
      ).getTokens();
      expect(tokens.idTokenClaims?.sub).toBe(plain.user.claims.sub);
      expect(clock.sleeps).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
      expect(proxy.requests.filter((request) => request.path === '/token')).toHaveLength(6);
      expect(polls(plain)).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('endpoints and parameters', () => {
  it('works with deviceAuthorizationEndpoint + tokenEndpoint and no discovery; audience goes on the request and every poll', async () => {
    const proxy = await startIdpProxy(fast);
    try {
      fast.script.tokenResponses([oauthError('authorization_pending')], { grantType: DEVICE_GRANT });
      const tokens = await new OidcAuth(
        deviceOptions(fast, {
          clock,
          flow: { onVerification: approveOn(fast) },
          extra: {
            deviceAuthorizationEndpoint: `${proxy.url}/device/auth`,
            tokenEndpoint: `${proxy.url}/token`,
            audience: 'https://api.example.test',
          },
        }),
      ).getTokens();
      expect(tokens.accessToken).toBeTruthy();
      expect(fast.requests.discoveryRequests()).toBe(0);
      const [start, ...rest] = proxy.requests;
      expect(start?.path).toBe('/device/auth');
      expect(start?.body.get('audience')).toBe('https://api.example.test');
      expect(start?.body.get('scope')).toBe('openid profile');
      expect(start?.body.get('client_id')).toBe(fast.clients.device.clientId);
      expect(rest.map((request) => request.path)).toEqual(['/token', '/token']);
      for (const poll of rest) {
        expect(poll.body.get('grant_type')).toBe(DEVICE_GRANT);
        expect(poll.body.get('audience')).toBe('https://api.example.test');
        expect(poll.body.get('device_code')).toBeTruthy();
      }
    } finally {
      await proxy.stop();
    }
  });

  it('a confidential device client authenticates on the device request and on every poll', async () => {
    const proxy = await startIdpProxy(fast);
    try {
      const clientSecret = 'obviously-fake-device-client-secret';
      // Scripted answers: the IdP's device client is public, so the real one would refuse a secret.
      fast.script.tokenResponses(
        [
          {
            status: 200,
            body: {
              device_code: 'scripted-device-code',
              user_code: 'ABCD-EFGH',
              verification_uri: `${fast.issuer}/device`,
              expires_in: 600,
            },
          },
        ],
        { path: '/device/auth' },
      );
      fast.script.tokenResponses(
        [
          oauthError('authorization_pending'),
          {
            status: 200,
            body: { access_token: 'scripted-access-token', token_type: 'Bearer', expires_in: 300 },
          },
        ],
        { grantType: DEVICE_GRANT },
      );
      const tokens = await new OidcAuth(
        deviceOptions(fast, {
          clock,
          extra: {
            clientSecret,
            deviceAuthorizationEndpoint: `${proxy.url}/device/auth`,
            tokenEndpoint: `${proxy.url}/token`,
          },
        }),
      ).getTokens();
      expect(tokens.accessToken).toBe('scripted-access-token');
      // RFC 6749 §2.3.1: id and secret are form-encoded, then joined and base64-encoded.
      const credentialsOf = (header: string | undefined) =>
        Buffer.from(header?.replace(/^Basic /, '') ?? '', 'base64')
          .toString('utf8')
          .split(':')
          .map((part) => decodeURIComponent(part));
      expect(proxy.requests.map((request) => request.path)).toEqual(['/device/auth', '/token', '/token']);
      for (const request of proxy.requests) {
        expect(credentialsOf(request.authorization)).toEqual([fast.clients.device.clientId, clientSecret]);
        expect(request.body.get('client_secret')).toBeNull();
      }
    } finally {
      await proxy.stop();
    }
  });

  it('the device code, a secret of this login, reaches neither the prompt nor the error', async () => {
    const proxy = await startIdpProxy(fast);
    try {
      fast.script.tokenResponses([oauthError('access_denied')], { grantType: DEVICE_GRANT });
      const output = captureOutput({ isTTY: true, columns: 120 });
      const error = await rejectionOf(
        new OidcAuth(
          deviceOptions(fast, { clock, output, extra: { tokenEndpoint: `${proxy.url}/token` } }),
        ).getAccessToken(),
      );
      const deviceCode = proxy.requests.find((request) => request.path === '/token')?.body.get('device_code');
      expect(deviceCode).toBeTruthy();
      expect(output.text()).not.toContain(deviceCode);
      expect(error.message).not.toContain(deviceCode);
    } finally {
      await proxy.stop();
    }
  });

  it('tokens go through the cache: a second call costs 0 IdP requests', async () => {
    const options = deviceOptions(fast, { clock, flow: { onVerification: approveOn(fast) } });
    const auth = new OidcAuth(options);
    const first = await auth.getAccessToken();
    fast.requests.reset();
    expect(await new OidcAuth(options).getAccessToken()).toBe(first);
    expect(fast.requests.count()).toBe(0);
  });
});
