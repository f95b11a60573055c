import { accounts } from './accounts.js';
import { audience } from './audience.js';
import { cachedReuse } from './cached-reuse.js';
import { callbackTimeout } from './callback-timeout.js';
import { consentDenied } from './consent-denied.js';
import { crossProcessRace } from './cross-process-race.js';
import { customCa } from './custom-ca.js';
import { deviceExpired } from './device-expired.js';
import { deviceSlowDown } from './device-slow-down.js';
import { deviceVerificationUrl } from './device-verification-url.js';
import { dpop } from './dpop.js';
import { endpointOverrides } from './endpoint-overrides.js';
import { fetchScenario } from './fetch.js';
import { forceLogin } from './force-login.js';
import { gitCredential } from './git-credential.js';
import { kubectl } from './kubectl.js';
import { login } from './login.js';
import { loginHint } from './login-hint.js';
import { logout } from './logout.js';
import { profile } from './profile.js';
import { reauthentication } from './reauthentication.js';
import { refresh } from './refresh.js';
import type { Scenario } from './scenario.js';
import { sharedBrowser } from './shared-browser.js';
import { stepUp } from './step-up.js';
import { tokenExchangeNarrower } from './token-exchange-narrower.js';
import { workloadExpired } from './workload-expired.js';
import { workloadGitHub } from './workload-github.js';
import { workloadGitLab } from './workload-gitlab.js';
import { workloadKubernetes } from './workload-kubernetes.js';
import { workloadRotatedFile } from './workload-rotated-file.js';
import { workloadWrongAudience } from './workload-wrong-audience.js';
import { workloadWrongSubject } from './workload-wrong-subject.js';
import { wrongState } from './wrong-state.js';

/** Every scenario, in the order of the matrix's rows. */
export const SCENARIOS: readonly Scenario[] = [
  login,
  cachedReuse,
  refresh,
  forceLogin,
  logout,
  consentDenied,
  wrongState,
  callbackTimeout,
  deviceSlowDown,
  deviceExpired,
  deviceVerificationUrl,
  audience,
  endpointOverrides,
  customCa,
  crossProcessRace,
  kubectl,
  gitCredential,
  accounts,
  loginHint,
  reauthentication,
  sharedBrowser,
  profile,
  fetchScenario,
  stepUp,
  dpop,
  workloadGitHub,
  workloadGitLab,
  workloadKubernetes,
  workloadWrongAudience,
  workloadExpired,
  workloadWrongSubject,
  workloadRotatedFile,
  tokenExchangeNarrower,
];

export {
  accounts,
  audience,
  cachedReuse,
  callbackTimeout,
  consentDenied,
  crossProcessRace,
  customCa,
  deviceExpired,
  deviceSlowDown,
  deviceVerificationUrl,
  dpop,
  endpointOverrides,
  fetchScenario,
  forceLogin,
  gitCredential,
  kubectl,
  login,
  loginHint,
  logout,
  profile,
  reauthentication,
  refresh,
  sharedBrowser,
  stepUp,
  tokenExchangeNarrower,
  workloadExpired,
  workloadGitHub,
  workloadGitLab,
  workloadKubernetes,
  workloadRotatedFile,
  workloadWrongAudience,
  workloadWrongSubject,
  wrongState,
};
