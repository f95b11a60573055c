// The Secret Service session of these tests lives in src/testing, exported as
// @oidcflow/cache-keyring/testing for the hostile tests of the repository.
export * from '../src/testing/secret-service.js';
