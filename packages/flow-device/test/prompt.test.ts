import { ErrorCode, OidcAuth } from '@oidcflow/core';
import { completeDeviceVerificationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceVerification } from '../src/index.js';
import {
  type CapturedOutput,
  captureOutput,
  createFakeClock,
  DEVICE_GRANT,
  deviceOptions,
  type FakeClock,
  oauthError,
  rejectionOf,
} from './support.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ deviceIntervalSeconds: 1 });
});
afterAll(async () => {
  await idp?.stop();
});

let clock: FakeClock;
beforeEach(() => {
  clock = createFakeClock();
  idp.requests.reset();
  idp.script.clear();
  // Only the countdown's refresh timer is faked, so the test can see that it is gone.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The user code as the prompt printed it ("enter the code: XXXX-XXXX", possibly in bold). */
function printedUserCode(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the bold on/off sequences around the code.
  const match = /enter the code: (?:\x1b\[1m)?([A-Z0-9-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no user code in the prompt:\n${text}`);
  return match[1];
}

/** Approves the code the prompt showed, when the first poll is due (the prompt is written by then). */
function approveWhatThePromptShows(output: CapturedOutput): void {
  clock.onSleep = (count) => {
    if (count !== 1) return;
    const userCode = printedUserCode(output.text());
    return completeDeviceVerificationWithoutBrowser(`${idp.issuer}/device`, idp.user, { userCode });
  };
}

describe('the prompt on a terminal', () => {
  it('shows the code, both links, a QR code and a live time-left line, and stops the line at the end', async () => {
    const output = captureOutput({ isTTY: true, columns: 120 });
    approveWhatThePromptShows(output);
    let timersWhilePolling = -1;
    const onSleep = clock.onSleep;
    clock.onSleep = (count) => {
      timersWhilePolling = vi.getTimerCount();
      return onSleep?.(count);
    };
    await new OidcAuth(deviceOptions(idp, { clock, output })).getAccessToken();
    const text = output.text();
    expect(text).toContain(`${idp.issuer}/device`);
    expect(text).toMatch(new RegExp(`${idp.issuer}/device\\?user_code=[A-Z0-9-]+`));
    expect(text).toContain('\x1b[1m'); // the code stands out
    expect(text).toMatch(/[█▀▄]{10,}/); // the QR block
    expect(text).toContain('Or scan this QR code');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the line is rewritten in place.
    expect(text).toMatch(/\r\x1b\[2KWaiting for the login to be approved \(\d+:\d\d left\)/);
    expect(text.endsWith('\r\x1b[2KLogin approved.\n')).toBe(true);
    expect(timersWhilePolling).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    // The refresh timer is gone: advancing time writes nothing more.
    const writes = output.writes.length;
    vi.advanceTimersByTime(5_000);
    expect(output.writes.length).toBe(writes);
  });

  it('stops the live line when the login fails too', async () => {
    const output = captureOutput({ isTTY: true, columns: 120 });
    idp.script.tokenResponses([oauthError('expired_token')], { grantType: DEVICE_GRANT });
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock, output })).getAccessToken());
    expect(error.code).toBe(ErrorCode.DEVICE_CODE_EXPIRED);
    expect(vi.getTimerCount()).toBe(0);
    expect(output.text().endsWith('\r\x1b[2KThe login did not complete: DEVICE_CODE_EXPIRED.\n')).toBe(true);
  });

  it('leaves the QR code out when the terminal is too narrow for it', async () => {
    const output = captureOutput({ isTTY: true, columns: 30 });
    idp.script.tokenResponses([oauthError('access_denied')], { grantType: DEVICE_GRANT });
    await rejectionOf(new OidcAuth(deviceOptions(idp, { clock, output })).getAccessToken());
    expect(output.text()).not.toMatch(/[█▀▄]/);
    expect(output.text()).toContain('left)');
  });

  it('leaves the QR code out with qrCode: false', async () => {
    const output = captureOutput({ isTTY: true, columns: 120 });
    idp.script.tokenResponses([oauthError('access_denied')], { grantType: DEVICE_GRANT });
    await rejectionOf(
      new OidcAuth(deviceOptions(idp, { clock, output, flow: { qrCode: false } })).getAccessToken(),
    );
    expect(output.text()).not.toMatch(/[█▀▄]/);
  });
});

describe('the prompt elsewhere (a pipe, a CI log)', () => {
  it('writes plain lines only: no escape sequences, no carriage returns, no QR code', async () => {
    const output = captureOutput();
    approveWhatThePromptShows(output);
    await new OidcAuth(deviceOptions(idp, { clock, output })).getAccessToken();
    const text = output.text();
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(/[█▀▄]/);
    expect(text).toContain(`  ${idp.issuer}/device\n`);
    expect(text).toMatch(/and enter the code: [A-Z0-9]{4}-[A-Z0-9]{4}\n/);
    expect(text).toMatch(new RegExp(`  ${idp.issuer}/device\\?user_code=[A-Z0-9-]+\\n`));
    expect(text).toContain('The code expires in 10 minutes.\n');
    expect(text).toContain('Waiting for the login to be approved...\n');
    expect(text.endsWith('Login approved.\n')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('onVerification', () => {
  it('receives the code, both links and the expiry, and replaces the prompt entirely', async () => {
    const output = captureOutput({ isTTY: true, columns: 120 });
    const seen: DeviceVerification[] = [];
    const start = clock.now();
    const tokens = await new OidcAuth(
      deviceOptions(idp, {
        clock,
        output,
        flow: {
          onVerification: async (verification) => {
            seen.push(verification);
            await completeDeviceVerificationWithoutBrowser(verification.verificationUri, idp.user, {
              userCode: verification.userCode,
            });
          },
        },
      }),
    ).getTokens();
    expect(tokens.accessToken).toBeTruthy();
    expect(output.writes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(seen).toHaveLength(1);
    const [verification] = seen;
    expect(verification?.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(verification?.verificationUri).toBe(`${idp.issuer}/device`);
    expect(verification?.verificationUriComplete).toBe(
      `${idp.issuer}/device?user_code=${verification?.userCode}`,
    );
    expect(verification?.expiresAt).toBe(start + 600_000);
    expect(verification?.interval).toBe(1);
  });

  it('a throw in onVerification ends the login with that error, before any poll', async () => {
    const failure = new Error('the dialog could not be shown');
    await expect(
      new OidcAuth(
        deviceOptions(idp, {
          clock,
          flow: {
            onVerification: () => {
              throw failure;
            },
          },
        }),
      ).getAccessToken(),
    ).rejects.toBe(failure);
    expect(idp.requests.tokenRequests(DEVICE_GRANT)).toBe(0);
  });
});

describe('opening the browser', () => {
  const browserEnv = { BROWSER: 'test-opener' };

  it('opens the link with the code filled in when openBrowser is on and a browser can be shown', async () => {
    const output = captureOutput();
    const opened: string[] = [];
    idp.script.tokenResponses([oauthError('access_denied')], { grantType: DEVICE_GRANT });
    await rejectionOf(
      new OidcAuth(
        deviceOptions(idp, {
          clock,
          output,
          openUrl: async (url) => {
            opened.push(url);
            return true;
          },
          extra: { env: browserEnv },
        }),
      ).getAccessToken(),
    );
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(new RegExp(`^${idp.issuer}/device\\?user_code=`));
    expect(output.text()).toContain('Opening the page in your browser...');
  });

  it('does not open it with openBrowser: false, nor where no browser can be shown', async () => {
    const opened: string[] = [];
    const openUrl = async (url: string) => {
      opened.push(url);
      return true;
    };
    idp.script.tokenResponses([oauthError('access_denied'), oauthError('access_denied')], {
      grantType: DEVICE_GRANT,
    });
    await rejectionOf(
      new OidcAuth(
        deviceOptions(idp, { clock, openUrl, extra: { env: browserEnv, openBrowser: false } }),
      ).getAccessToken(),
    );
    await rejectionOf(
      new OidcAuth(deviceOptions(idp, { clock, openUrl, extra: { env: { CI: 'true' } } })).getAccessToken(),
    );
    expect(opened).toEqual([]);
  });

  it('a browser that fails to open changes nothing: the prompt is there and the login completes', async () => {
    const output = captureOutput();
    approveWhatThePromptShows(output);
    const tokens = await new OidcAuth(
      deviceOptions(idp, {
        clock,
        output,
        openUrl: async () => {
          throw new Error('xdg-open: not found');
        },
        extra: { env: browserEnv },
      }),
    ).getTokens();
    expect(tokens.accessToken).toBeTruthy();
    expect(output.text()).toMatch(/enter the code: [A-Z0-9-]+/);
  });
});
