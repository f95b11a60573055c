/** The flow's name, as `flow: 'device'` selects it and as cache entries record it. */
export const DEVICE_FLOW_NAME = 'device';
/** Below auth_code (100): `auto` prefers the browser flow when a browser can be shown. */
export const DEVICE_FLOW_PRIORITY = 50;

/** RFC 8628 §3.2: the polling interval when the IdP sends none. */
export const DEFAULT_INTERVAL_SECONDS = 5;
/**
 * Longest device-code lifetime oidcflow waits for (30 min; RFC 8628's example is 30 min, IdPs
 * use 5–15). The login holds the cache lock while it waits, so a longer `expires_in` is clamped.
 */
export const MAX_DEVICE_EXPIRES_IN_SECONDS = 1800;
/** Polling interval bounds: at least 1 s (never hammer the IdP), at most 60 s (the user is waiting). */
export const MIN_INTERVAL_SECONDS = 1;
export const MAX_INTERVAL_SECONDS = 60;
/** RFC 8628 §3.5: `slow_down` adds 5 seconds to this and every later poll. */
export const SLOW_DOWN_INCREMENT_SECONDS = 5;
/** Longest wait between polls after connection or server errors (RFC 8628 §3.5 back-off). */
export const MAX_BACKOFF_SECONDS = 60;
/**
 * How many 5xx answers in a row the poll retries before it fails. A 502/503/504 is usually a
 * proxy or a restart and passes; a token endpoint that keeps failing is reported, not waited
 * out until the code expires.
 */
export const MAX_SERVER_ERROR_RETRIES = 3;
/** How often the terminal's "time left" line refreshes. */
export const COUNTDOWN_REFRESH_MILLISECONDS = 1000;
