import type { TestUser } from '../targets/test-user.js';
import { startAccountsBench } from './accounts-bench.js';
import { firstPartyFlowsOnly } from './consumer-tool.js';
import { check, type Scenario } from './scenario.js';

/**
 * Two real users of the target under one setting: alice logs in, bob logs in with `--account`
 * (login_hint, and prompt=login since alice's IdP session is there), `oidcflow accounts use`
 * switches, and the real kubectl (exec plugin) and the real git (credential helper with
 * `--host`) come to their servers as the current user; `logout --account` removes one, and the
 * other stays and is what the tools get.
 */
export const accounts: Scenario = {
  name: 'two accounts',
  summary:
    'two real users: login, login --account (login_hint), accounts use; real kubectl and git get the current user; logout --account keeps the other',
  flowKinds: ['browser'],
  notApplicable: (target, subject) =>
    firstPartyFlowsOnly(target, subject) ??
    (target.otherUser ? undefined : `${target.name} names no second user to log in`),
  async run(cell) {
    const alice = cell.target.user;
    const bob = cell.target.otherUser as TestUser;
    const bench = await startAccountsBench(cell, 'accounts');
    // Each user signs in in a browser of their own: in one browser, oidc-provider and Keycloak
    // end alice's IdP session once bob signs in (her access and refresh tokens are refused;
    // the scenario 'two users, one browser' shows it).
    const aliceDriver = bench.driver(alice, await cell.browserSession());
    const bobDriver = bench.driver(bob, await cell.browserSession());
    try {
      // 1. alice, then bob by --account (the browser signs in bob, whom login_hint names).
      bench.signInWith(aliceDriver);
      await bench.oidcflow(['login']);
      await aliceDriver.settled();
      bench.signInWith(bobDriver);
      await bench.oidcflow(['login', `--account=${bob.username}`]);
      await bobDriver.settled();
      const both = await bench.accounts();
      const subOf = (user: TestUser) => both.find((account) => account.username === user.username)?.sub;
      const aliceSub = subOf(alice);
      const bobSub = subOf(bob);
      check(
        aliceSub !== undefined && bobSub !== undefined && aliceSub !== bobSub,
        `oidcflow accounts does not list ${alice.username} and ${bob.username} apart: ${JSON.stringify(both)}`,
      );
      check(
        both.find((account) => account.current)?.sub === bobSub,
        `${bob.username}'s login did not make it the current account`,
      );
      const expectTools = async (user: TestUser, sub: string, when: string) => {
        const seen = await bench.toolsUser();
        check(seen.kube === sub, `${when}: kubectl came as sub ${seen.kube}, not ${user.username}'s ${sub}`);
        check(seen.git === sub, `${when}: git came as sub ${seen.git}, not ${user.username}'s ${sub}`);
      };

      // 2. bob is current: the tools are bob. 3. Switch to alice (her session, in a browser of
      // her own, survives the check by refresh): the tools are alice.
      await expectTools(bob, bobSub as string, `after ${bob.username}'s login`);
      await bench.oidcflow(['accounts', 'use', alice.username]);
      await expectTools(alice, aliceSub as string, `after accounts use ${alice.username}`);

      // 4. Log alice out: bob stays, becomes current, and the tools are bob with no login.
      await bench.oidcflow(['logout', `--account=${alice.username}`]);
      const left = await bench.accounts();
      check(
        left.length === 1 && left[0]?.sub === bobSub && left[0].current,
        `after logout --account ${alice.username}: ${JSON.stringify(left)}`,
      );
      await expectTools(bob, bobSub as string, `after logout --account ${alice.username}`);
      const opened = aliceDriver.opened.length + bobDriver.opened.length;
      check(opened === 2, `${opened} login pages were opened, expected 2 (one per user)`);
      const refused = bench.refusedTokens();
      check(
        refused.length === 0,
        `kubectl or git were handed a token their server refused: ${refused.join('; ')}`,
      );
      return `${alice.username} and ${bob.username} logged in (2 pages); kubectl and git came as ${bob.username}, then as ${alice.username} after accounts use; logout --account ${alice.username} left ${bob.username}, whom the tools got`;
    } finally {
      await bench.stop();
    }
  },
};
