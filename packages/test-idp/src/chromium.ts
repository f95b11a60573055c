/**
 * How tests launch the system Chromium with Playwright (`chromium.launch(testChromiumLaunchOptions())`):
 * headless, and with nothing that talks to the network by itself (this machine's network is
 * closed, and Chromium's background requests would fail many at a time). Playwright itself is
 * not a dependency of this package; `OIDCFLOW_CHROMIUM` names another browser.
 */
export function testChromiumLaunchOptions(env: NodeJS.ProcessEnv = process.env): {
  executablePath: string;
  args: string[];
} {
  return {
    executablePath: env.OIDCFLOW_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}
