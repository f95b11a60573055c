import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { plainCountdown, startCountdown } from './countdown.js';

function recordingOutput() {
  const writes: string[] = [];
  return { writes, output: { isTTY: true, write: (text: string) => writes.push(text) } };
}

describe('the live time-left line', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rewrites one line with the time left, and stops for good', () => {
    let now = 0;
    const { writes, output } = recordingOutput();
    const countdown = startCountdown({
      output,
      clock: { now: () => now, sleep: async () => {} },
      expiresAt: 600_000,
      refreshMilliseconds: 1000,
    });
    expect(writes).toEqual(['\r\x1b[2KWaiting for the login to be approved (10:00 left)']);
    now = 5_000;
    vi.advanceTimersByTime(1000);
    expect(writes.at(-1)).toBe('\r\x1b[2KWaiting for the login to be approved (9:55 left)');
    countdown.stop('Login approved.');
    expect(writes.at(-1)).toBe('\r\x1b[2KLogin approved.\n');
    expect(vi.getTimerCount()).toBe(0);
    const count = writes.length;
    countdown.update();
    countdown.stop('again');
    vi.advanceTimersByTime(10_000);
    expect(writes.length).toBe(count);
  });

  it('stops refreshing by itself once the code has expired', () => {
    let now = 0;
    const { output } = recordingOutput();
    startCountdown({
      output,
      clock: { now: () => now, sleep: async () => {} },
      expiresAt: 2_000,
      refreshMilliseconds: 1000,
    });
    now = 3_000;
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the plain countdown (not a terminal)', () => {
  it('writes only the final line, once', () => {
    const writes: string[] = [];
    const countdown = plainCountdown({ write: (text: string) => writes.push(text) });
    countdown.update();
    countdown.stop('Login approved.');
    countdown.stop('Login approved.');
    expect(writes).toEqual(['Login approved.\n']);
  });
});
