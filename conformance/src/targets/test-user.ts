/**
 * A user the target knows, who signs in on its pages. Its own module so the page scripts
 * (browser-bridge) can name it without importing the target interface, which imports them.
 */
export interface TestUser {
  username: string;
  password: string;
}
