// The one browser discovery of oidcflow's tests and conformance kit: which Chrome, Chromium or
// Edge Playwright drives (OIDCFLOW_CHROMIUM, the system's, else the npm package's Chromium).
export { type CandidateInput, systemBrowserCandidates } from './candidates.js';
export {
  type BrowserLaunchOptions,
  type BrowserSource,
  type FindBrowserOptions,
  findTestBrowser,
  TEST_BROWSER_ARGS,
  type TestBrowser,
  testBrowserLaunchOptions,
} from './find-browser.js';
export { NPM_CHROMIUM_PACKAGE, npmChromiumCacheDirectory } from './npm-chromium.js';
