import type { Page } from 'playwright-core';

/** An isolated browser profile (cookies, storage) for one scenario. */
export interface BrowserSession {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Only these host names may be loaded; others are blocked. Absent: everything is allowed. */
  allowedHosts?: readonly string[];
  /** Accept any TLS certificate in this session (a target served with the harness's own CA). */
  ignoreHttpsErrors?: boolean;
}

/** One browser for the whole run; a fresh session per scenario. */
export interface BrowserProvider {
  /** Set when no browser can run here: every cell that needs one is skipped with this reason. */
  readonly unavailableReason?: string;
  /** Which browser runs (version and where it came from), for the report. */
  readonly description?: string;
  newSession(options?: SessionOptions): Promise<BrowserSession>;
  close(): Promise<void>;
}

export function unavailableBrowser(reason: string): BrowserProvider {
  return {
    unavailableReason: reason,
    newSession: () => Promise.reject(new Error(reason)),
    close: async () => {},
  };
}
