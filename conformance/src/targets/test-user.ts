/**
 * A user the target knows, who signs in on its pages. Its own module so the page scripts
 * (browser-bridge) can name it without importing the target interface, which imports them.
 */
export interface TestUser {
  username: string;
  password: string;
  /**
   * The code the user's authenticator app shows now (TOTP), for an IdP that asks for a second
   * factor (Keycloak's step-up level). Absent: the user has none, and such a page is a dead end.
   */
  oneTimeCode?: () => string;
}
