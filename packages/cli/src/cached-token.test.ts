import { describe, expect, it } from 'vitest';
import { FAST_TOKEN_CHOICES, FAST_TOKEN_ENV, FAST_TOKEN_FLAGS } from './cached-token.js';
import { OPTION_TABLE } from './options/option-table.js';

// The warm path reads a few options by hand; they must mean what the option table says.
describe("the warm token path's options", () => {
  it('are options of `token` with the same setting, variable and kind', () => {
    for (const [flag, key] of Object.entries(FAST_TOKEN_FLAGS)) {
      const option = OPTION_TABLE.find((candidate) => `--${candidate.flag}` === flag);
      expect(option, flag).toBeDefined();
      expect(option?.key).toBe(key);
      expect(option?.commands).toContain('token');
      expect(option?.kind).toBe(key === 'scopes' ? 'list' : 'string');
      expect(option?.choices).toEqual(FAST_TOKEN_CHOICES[key as keyof typeof FAST_TOKEN_CHOICES]);
      const variable = Object.entries(FAST_TOKEN_ENV).find(([, setting]) => setting === key)?.[0];
      expect(option?.env).toBe(variable);
    }
    expect(Object.keys(FAST_TOKEN_ENV)).toHaveLength(Object.keys(FAST_TOKEN_FLAGS).length);
    const clientCredentials = OPTION_TABLE.find((option) => option.flag === 'client-credentials');
    expect(clientCredentials?.kind).toBe('boolean');
    expect(clientCredentials?.env).toBeUndefined();
  });
});
