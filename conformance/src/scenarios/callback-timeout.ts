import { ErrorCode } from '@oidcflow/core';
import { isListening } from '../support/raw-http.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

const TIMEOUT_SECONDS = 2;

export const callbackTimeout: Scenario = {
  name: 'callback timeout',
  summary: 'no redirect within callbackTimeoutSeconds → LOGIN_TIMEOUT, and the loopback port is closed',
  flowKinds: ['browser'],
  async run(cell) {
    const opened: string[] = [];
    // The "browser" opens nothing, as when the user walks away.
    const auth = cell.auth({
      callbackTimeoutSeconds: TIMEOUT_SECONDS,
      ports: {
        openUrl: async (url) => {
          opened.push(url);
          return true;
        },
      },
    });
    const started = Date.now();
    await expectErrorCode(() => auth.getAccessToken(), ErrorCode.LOGIN_TIMEOUT);
    const waited = (Date.now() - started) / 1000;
    check(opened.length === 1, `the flow opened ${opened.length} URLs, expected 1`);
    const redirectUri = new URL(opened[0] as string).searchParams.get('redirect_uri');
    check(redirectUri, 'the authorization URL has no redirect_uri');
    check(
      !(await isListening(redirectUri)),
      `the loopback listener at ${new URL(redirectUri).host} is still open`,
    );
    check(
      waited >= TIMEOUT_SECONDS - 0.5,
      `gave up after ${waited.toFixed(1)} s, before the ${TIMEOUT_SECONDS} s timeout`,
    );
    check((await cell.cache.get(cell.cacheKey())) === undefined, 'something was cached after the timeout');
    return `LOGIN_TIMEOUT after ${waited.toFixed(1)} s (timeout ${TIMEOUT_SECONDS} s); the listener port is closed`;
  },
};
