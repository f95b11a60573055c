import { rawRequest } from '../support/raw-http.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import { check, type Scenario } from './scenario.js';

/**
 * Before the browser answers, a forged callback arrives at the loopback listener: a code
 * with a wrong state, and one with none. Both must be refused without a token request, and
 * the real login must still complete (RFC 8252 §8.9, RFC 9700 §4.2.4).
 */
export const wrongState: Scenario = {
  name: 'wrong state',
  summary: 'a callback with a wrong or missing state is refused (400) and no code is exchanged for it',
  flowKinds: ['browser'],
  async run(cell) {
    const meter = cell.meter();
    const mark = meter.mark();
    const answers: number[] = [];
    const driver = await cell.loginDriver('approve', {
      beforeLogin: async (url) => {
        const authorization = new URL(url);
        const redirectUri = authorization.searchParams.get('redirect_uri');
        const state = authorization.searchParams.get('state');
        check(redirectUri, 'the authorization URL has no redirect_uri');
        check(state, 'the authorization URL has no state');
        const forged = new URL(redirectUri);
        forged.searchParams.set('code', 'forged-code');
        forged.searchParams.set('state', `${state}x`);
        answers.push((await rawRequest(forged.href)).status);
        forged.searchParams.delete('state');
        answers.push((await rawRequest(forged.href)).status);
      },
    });
    const auth = cell.auth({ ports: { openUrl: (url) => driver.openUrl(url) } });
    const tokens = await auth.getTokens();
    await driver.settled();
    check(
      answers.every((status) => status >= 400 && status < 500),
      `the listener answered the forged callbacks with ${answers.join(', ')}`,
    );
    check(tokens.accessToken.length > 0, 'the real login did not complete after the forged callbacks');
    if (meter.seesRequests) {
      const exchanges = grantRequests(meter.since(mark), 'authorization_code');
      check(
        exchanges.length === 1,
        `expected one code exchange (the real one), saw: ${describeRequests(exchanges)}`,
      );
    }
    return `forged callbacks refused with HTTP ${answers.join(' and ')}; one code exchange, for the real callback`;
  },
};
