import type { Clock, PromptOutput } from '@oidcflow/core';

/** `9:05` or `1:02:03`: a countdown as people read one. Negative durations show as `0:00`. */
export function formatTimeLeft(milliseconds: number): string {
  const total = Math.max(0, Math.ceil(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Return to the start of the line and clear it, so the line is rewritten in place. */
const REWRITE_LINE = '\r\x1b[2K';

export interface Countdown {
  /** Rewrites the line with the time left now. */
  update(): void;
  /** Stops updating and ends the line with `finalText`; later calls do nothing. */
  stop(finalText: string): void;
}

export interface CountdownOptions {
  output: PromptOutput;
  clock: Clock;
  expiresAt: number;
  /** How often the line refreshes by itself. */
  refreshMilliseconds: number;
}

/**
 * The live "time left" line of a terminal prompt. It refreshes on a timer that does not keep
 * the process alive, stops by itself when the code expires, and is always stopped by the flow.
 */
export function startCountdown(options: CountdownOptions): Countdown {
  const { output, clock, expiresAt } = options;
  let stopped = false;
  const update = () => {
    if (stopped) return;
    const left = expiresAt - clock.now();
    output.write(`${REWRITE_LINE}Waiting for the login to be approved (${formatTimeLeft(left)} left)`);
    if (left <= 0) clearInterval(timer);
  };
  const timer = setInterval(update, options.refreshMilliseconds);
  timer.unref();
  update();
  return {
    update,
    stop(finalText) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      output.write(`${REWRITE_LINE}${finalText}\n`);
    },
  };
}

/** For outputs that are not terminals: no live line, only the final text on a line of its own. */
export function plainCountdown(output: PromptOutput): Countdown {
  let stopped = false;
  return {
    update() {},
    stop(finalText) {
      if (stopped) return;
      stopped = true;
      output.write(`${finalText}\n`);
    },
  };
}

/** When the caller shows the code itself (`onVerification`): nothing is written at all. */
export const silentCountdown: Countdown = { update() {}, stop() {} };
