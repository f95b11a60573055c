import { describe, expect, it } from 'vitest';
import { helpKey, helpOf, OPTION_HELP } from './option-help.js';
import { OPTION_TABLE } from './option-table.js';

describe("the options' words", () => {
  it('each option of the table has its own, and each entry belongs to an option', () => {
    const keys = OPTION_TABLE.map(helpKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const option of OPTION_TABLE) expect(helpOf(option).description, option.flag).not.toBe('');
    expect(Object.keys(OPTION_HELP).sort()).toEqual([...keys].sort());
  });

  it('a flag two options share is worded for each', () => {
    const outputs = OPTION_TABLE.filter((option) => option.flag === 'output').map(helpOf);
    expect(outputs).toHaveLength(2);
    expect(outputs[0]?.description).not.toBe(outputs[1]?.description);
  });
});
