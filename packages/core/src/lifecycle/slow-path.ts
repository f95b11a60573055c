// What `AuthBase` loads past the cache, in one lazily loaded module (one chunk): each job lives
// in its own file — obtaining tokens (obtain.ts: refresh or login under the cache lock), the
// login (login.ts, with its plan in login-plan.ts and DPoP in dpop.ts), explain (explain.ts),
// logout (logout.ts), the accounts (accounts.ts; a switch checks a displaced account's session:
// session-check.ts) and an API's step-up (step-up.ts).
export { listAccounts } from './accounts.js';
export { type ExplainReport, explain } from './explain.js';
export { type LogoutResult, logout } from './logout.js';
export { idTokenUnavailable, type ObtainMode, type ObtainRequest, obtainTokens } from './obtain.js';
export { switchCheckedAccount } from './session-check.js';
export { describeRequirement, type StepUpRequirement, stepUp } from './step-up.js';
