import { describeRequests, grantRequests } from '../support/traffic.js';
import { DEVICE_CODE_GRANT, deviceScriptUnavailable, tokenScriptOf } from './device-script.js';
import { check, type Scenario } from './scenario.js';

const SLOW_DOWN_SECONDS = 5;
// Recorded times, not a speed assertion: a poll may come late on a busy machine, never early.
const TOLERANCE_SECONDS = 0.5;

export const deviceSlowDown: Scenario = {
  name: 'device slow_down',
  summary:
    'after slow_down the poll interval grows by 5 s, for that poll and every later one (RFC 8628 §3.5)',
  flowKinds: ['device'],
  notApplicable: (target) => deviceScriptUnavailable(target),
  async run(cell) {
    tokenScriptOf(cell.target).scriptDevicePolls(cell.client.clientId, [
      { error: 'slow_down' },
      { error: 'authorization_pending' },
    ]);
    const meter = cell.meter();
    const mark = meter.mark();
    const { auth, driver } = await cell.loggingInAuth();
    const tokens = await auth.getTokens();
    await driver?.settled();
    check(tokens.accessToken.length > 0, 'no access token after the slowed-down polls');
    const polls = grantRequests(meter.since(mark), DEVICE_CODE_GRANT);
    check(
      polls.length >= 3,
      `expected at least 3 polls (slow_down, pending, success), saw ${describeRequests(polls)}`,
    );
    const gaps = polls.slice(1).map((poll, index) => (poll.at - (polls[index]?.at ?? poll.at)) / 1000);
    const minimum = SLOW_DOWN_SECONDS - TOLERANCE_SECONDS;
    check(
      gaps.every((gap) => gap >= minimum),
      `poll gaps after slow_down were ${gaps.map((gap) => gap.toFixed(1)).join(', ')} s; each must be at least the interval + ${SLOW_DOWN_SECONDS} s`,
    );
    return `${polls.length} polls, gaps after slow_down ${gaps.map((gap) => `${gap.toFixed(1)} s`).join(', ')}`;
  },
};
