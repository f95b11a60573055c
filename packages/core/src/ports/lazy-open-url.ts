/**
 * Opens `url` in the user's browser (see `open-url.ts` for the order of openers). The opener
 * and `node:child_process` load on first use, so importing core stays off that cost.
 */
export async function openSystemBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  return (await import('./open-url.js')).openSystemBrowser(url, env, platform);
}
