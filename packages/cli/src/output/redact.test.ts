import { expect, it } from 'vitest';
import { redact } from './redact.js';

it('replaces every occurrence of a known secret, and leaves short strings alone', () => {
  expect(redact('a=secret-value-1 b=secret-value-1 c', ['secret-value-1'])).toBe(
    'a=[redacted] b=[redacted] c',
  );
  expect(redact('the id is abc', ['abc'])).toBe('the id is abc');
});
