// A stand-in for @napi-rs/keyring's native binding while the build trains the single
// executable's code caches on a keyring cache hit (scripts/sea-train-code-cache.cjs): the same
// surface cache-keyring uses (Entry and AsyncEntry with getPassword, setPassword,
// deleteCredential), kept in a JSON file, so that a build needs no Secret Service and no kernel
// keyring and touches neither. Each store of the real binding (`linux.store`: the Secret
// Service, keyutils) is a slot of its own, as they are separate stores there.
'use strict';

const { existsSync, readFileSync, writeFileSync } = require('node:fs');

/** The binding's exports, its credentials in `storeFile`. */
module.exports = function trainingKeyringBinding(storeFile) {
  const load = () => (existsSync(storeFile) ? JSON.parse(readFileSync(storeFile, 'utf8')) : {});
  const save = (store) => writeFileSync(storeFile, JSON.stringify(store), { mode: 0o600 });

  class Entry {
    constructor(service, account, options) {
      this.slot = JSON.stringify([options?.linux?.store ?? 'default', service, account]);
    }
    getPassword() {
      return load()[this.slot] ?? null;
    }
    setPassword(password) {
      save({ ...load(), [this.slot]: password });
    }
    deleteCredential() {
      const store = load();
      const had = this.slot in store;
      delete store[this.slot];
      save(store);
      return had;
    }
    deletePassword() {
      return this.deleteCredential();
    }
  }

  class AsyncEntry {
    constructor(service, account, options) {
      this.entry = new Entry(service, account, options);
    }
    async getPassword() {
      return this.entry.getPassword();
    }
    async setPassword(password) {
      this.entry.setPassword(password);
    }
    async deleteCredential() {
      return this.entry.deleteCredential();
    }
    async deletePassword() {
      return this.entry.deleteCredential();
    }
  }

  return { Entry, AsyncEntry };
};
