import { createHmac } from 'node:crypto';

/** The authenticator app's settings: those of Keycloak's default OTP policy and most apps. */
export interface TotpSettings {
  /** @default 30 */
  periodSeconds?: number;
  /** @default 6 */
  digits?: number;
  /** HMAC hash. @default 'sha1' */
  algorithm?: 'sha1' | 'sha256' | 'sha512';
}

/**
 * The time-based one-time code (RFC 6238; RFC 4226's truncation) of `key` at `now`: what an
 * authenticator app shows, so a page script can pass an IdP's second factor. Hand-written:
 * a few lines over node:crypto's HMAC, and the test user's key never leaves this process.
 */
export function timeBasedCode(
  key: Uint8Array,
  now: number = Date.now(),
  settings: TotpSettings = {},
): string {
  const period = settings.periodSeconds ?? 30;
  const digits = settings.digits ?? 6;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / period)));
  const mac = createHmac(settings.algorithm ?? 'sha1', key)
    .update(counter)
    .digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}
