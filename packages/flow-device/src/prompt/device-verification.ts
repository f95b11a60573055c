/** What the user needs to approve the login on another device (RFC 8628 §3.3). */
export interface DeviceVerification {
  /** The code the user types on the verification page. */
  userCode: string;
  /** The page where the user enters `userCode`. */
  verificationUri: string;
  /** The page with the code already filled in, when the IdP offers one (for a link or a QR code). */
  verificationUriComplete?: string;
  /** When the code stops working, epoch milliseconds. */
  expiresAt: number;
  /** Seconds between polls of the token endpoint, as the IdP asked (5 when it did not say). */
  interval: number;
}
