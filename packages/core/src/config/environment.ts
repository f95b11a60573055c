import type { EnvironmentFacts } from '../spec/flow.js';

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Whether a browser can be shown. Order: `BROWSER` set → yes (the user said how);
 * CI → no; an SSH session without a forwarded display → no; Linux without a display → no;
 * otherwise yes (macOS, Windows, WSL, a desktop Linux).
 */
export function detectEnvironment(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  stderrIsTTY: boolean = Boolean(process.stderr.isTTY),
): EnvironmentFacts {
  const facts = (browserAvailable: boolean, browserReason: string): EnvironmentFacts => ({
    browserAvailable,
    browserReason,
    interactive: stderrIsTTY,
  });
  const hasDisplay = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (env.BROWSER) return facts(true, 'BROWSER is set');
  if (truthy(env.CI)) return facts(false, 'running in CI (CI is set)');
  if ((env.SSH_CONNECTION || env.SSH_TTY || env.SSH_CLIENT) && !hasDisplay) {
    return facts(false, 'SSH session without a forwarded display');
  }
  if (platform === 'linux' && (env.WSL_DISTRO_NAME || env.WSL_INTEROP))
    return facts(true, 'WSL: the Windows browser');
  if (platform === 'linux' && !hasDisplay) return facts(false, 'no DISPLAY or WAYLAND_DISPLAY');
  return facts(true, platform === 'linux' ? 'a display is available' : `desktop platform (${platform})`);
}
