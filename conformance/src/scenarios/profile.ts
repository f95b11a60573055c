import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { profileFilePath } from '@oidcflow/core';
import { check, type Scenario } from './scenario.js';

const PROFILE = 'conformance';

/** A TOML basic string: JSON's escapes are TOML's. */
const tomlString = (value: string) => JSON.stringify(value);

/** One line of the profile: its key, the option it fills, its TOML value. */
type ProfileLine = readonly [key: string, option: string, value: string];

/**
 * The configuration file the CLI uses, in the platform's place under the cell's HOME, names
 * the target: the program passes only `profile` (and its flow, cache and ports), and the login
 * goes to the profile's issuer with its client id and scopes. The tokens land under the same
 * cache key as the cell's own settings, and `explain()` names the file and line of each value.
 */
export const profile: Scenario = {
  name: 'profile',
  summary:
    "a profile of the configuration file gives issuer, client id and scopes: the library's profile option logs in with them; explain() names each value's file and line",
  flowKinds: ['browser', 'client'],
  async run(cell) {
    const env = cell.environment();
    const path = profileFilePath(env);
    const header = ['# written by the conformance scenario "profile"', `[profiles.${PROFILE}]`];
    const settings: ProfileLine[] = [
      ['issuer', 'issuer', tomlString(cell.target.issuer)],
      ['client-id', 'clientId', tomlString(cell.client.clientId)],
    ];
    if (cell.client.scopes.length > 0)
      settings.push(['scope', 'scopes', `[${cell.client.scopes.map(tomlString).join(', ')}]`]);
    const lines = [...header, ...settings.map(([key, , value]) => `${key} = ${value}`)];
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${lines.join('\n')}\n`);
    // The cell's identity left out: the profile is the only place it can come from.
    const { auth, tokens } = await cell.logIn({
      issuer: undefined,
      clientId: undefined,
      scopes: undefined,
      profile: PROFILE,
      env,
    });
    check(tokens.accessToken.length > 0, 'no access token');
    const cached = await cell.cache.get(cell.cacheKey());
    check(
      cached?.tokens.accessToken === tokens.accessToken,
      "the tokens were not cached under the cell's settings: the profile's values were not the ones used",
    );
    const report = (await auth.explain()).profile;
    const expected = settings.map(([, option]) => option);
    for (const [index, option] of expected.entries()) {
      const row = report?.applied.find((applied) => applied.option === option);
      const from = `profile ${PROFILE} (${path}:${header.length + index + 1})`;
      check(row?.from === from, `explain() says ${option} came from ${row?.from ?? 'nowhere'}, not ${from}`);
    }
    return `${expected.join(', ')} from ${path} (profile ${PROFILE}); logged in, cached under the cell's key`;
  },
};
