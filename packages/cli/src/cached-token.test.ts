import { describe, expect, it } from 'vitest';
import { HIT_SETTINGS } from './cached-token.js';
import { OPTION_TABLE } from './options/option-table.js';

// The warm path parses with the option table; the settings it answers with must be `token`'s.
describe("the warm token path's options", () => {
  it('are options of `token` with the same setting, variable and kind', () => {
    for (const key of HIT_SETTINGS) {
      const options = OPTION_TABLE.filter(
        (candidate) => candidate.key === key && candidate.commands.includes('token'),
      );
      expect(options, key).toHaveLength(1);
      const [option] = options;
      if (key === 'cache' || key === 'cacheFallback') {
        // Checked by the parser, as for the full CLI.
        expect(option?.choices?.length).toBeGreaterThan(1);
        continue;
      }
      if (key === 'output') {
        expect(option?.choices).toContain('token');
        expect(option?.choices).toContain('exec-credential');
        continue;
      }
      expect(option?.kind).toBe(
        key === 'scopes' ? 'list' : key === 'clientCredentials' ? 'boolean' : 'string',
      );
      expect(option?.choices).toBeUndefined();
    }
    const clientCredentials = OPTION_TABLE.find((option) => option.flag === 'client-credentials');
    expect(clientCredentials?.kind).toBe('boolean');
    expect(clientCredentials?.env).toBeUndefined();
  });
});
