// A profile's keys are the CLI's flag names, and core owns the file (the library reads it too):
// each flag of a login's settings must be a key of core's table with the same setting, kind,
// choices and inversion, so a value means in the file what it means on the command line.
import { profileOptions } from '@oidcflow/core';
import { expect, it } from 'vitest';
import { OPTION_TABLE } from '../options/option-table.js';

/** Options about one run, not a setting of a login: no profile holds them. */
const RUN_ONLY = new Set([
  'help',
  'profile',
  'output',
  'include-refresh-token',
  'client-secret-stdin',
  'data-stdin',
  'method',
  'content-type',
  'port',
]);

it("every flag of a login's settings is a profile key of core's table, meaning the same", async () => {
  const keys = await profileOptions();
  for (const option of OPTION_TABLE) {
    const key = keys.get(option.flag);
    if (RUN_ONLY.has(option.flag)) {
      expect(key, `--${option.flag} is about one run: no profile key`).toBeUndefined();
      continue;
    }
    expect(
      key,
      `--${option.flag}: add it to PROFILE_OPTIONS in packages/core/src/config/profile-options.ts (or to RUN_ONLY here)`,
    ).toBeDefined();
    expect({ ...key, usedBy: undefined }, `--${option.flag}`).toEqual({
      key: option.flag,
      setting: option.key,
      kind: option.kind,
      usedBy: undefined,
      ...(option.choices ? { choices: option.choices } : {}),
      ...(option.inverted ? { inverted: true } : {}),
    });
  }
  const flags = new Set(OPTION_TABLE.map((option) => option.flag));
  expect([...keys.keys()].filter((key) => !flags.has(key))).toEqual([]);
});
