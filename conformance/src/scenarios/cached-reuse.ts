import { FLOW_KINDS } from '../matrix/subject.js';
import { describeRequests } from '../support/traffic.js';
import { check, type Scenario } from './scenario.js';

export const cachedReuse: Scenario = {
  name: 'cached reuse',
  summary: 'a second instance answers from the cache: same token, no request to the IdP',
  flowKinds: FLOW_KINDS,
  forCachePlugins: true,
  async run(cell) {
    const first = (await cell.logIn()).tokens.accessToken;
    const meter = cell.meter();
    const mark = meter.mark();
    // A new instance, as a second run of the CLI would make: only the cache connects them.
    const second = await cell.auth().getAccessToken();
    const requests = meter.since(mark);
    check(second === first, 'the second instance got another access token instead of the cached one');
    check(requests.length === 0, `the cached token still cost requests: ${describeRequests(requests)}`);
    return `same token from the cache, 0 IdP requests (${meter.method})`;
  },
};
