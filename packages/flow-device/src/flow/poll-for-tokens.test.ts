import { describe, expect, it } from 'vitest';
import { backoffSeconds } from './poll-for-tokens.js';

describe('backoffSeconds', () => {
  it('doubles the interval per failure in a row, up to 60 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((failures) => backoffSeconds(5, failures))).toEqual([
      10, 20, 40, 60, 60, 60,
    ]);
  });

  it('never waits less than the interval, even when slow_down pushed it past the cap', () => {
    expect(backoffSeconds(75, 1)).toBe(75);
  });

  it('honours a longer Retry-After', () => {
    expect(backoffSeconds(5, 1, 30)).toBe(30);
    expect(backoffSeconds(5, 1, 3)).toBe(10);
  });

  it('stays finite for long outages', () => {
    expect(backoffSeconds(5, 10_000)).toBe(60);
  });
});
