export type { BrowserProvider, BrowserSession, SessionOptions } from './browser-bridge/browser-provider.js';
export { launchChromium } from './browser-bridge/chromium.js';
export { type GenericPageOptions, genericPageScript, genericPages } from './browser-bridge/generic-pages.js';
export { oidcProviderPages } from './browser-bridge/oidc-provider-pages.js';
export {
  capturePageEvidence,
  type PageEvidence,
  PageScriptFailure,
} from './browser-bridge/page-evidence.js';
export type { ConsentAnswer, PageScript } from './browser-bridge/page-script.js';
export type {
  CellEvidence,
  CellResult,
  CellStatus,
  MatrixReport,
  MatrixSummary,
  SkipCause,
} from './matrix/cell.js';
export { summarize, summaryLine } from './matrix/cell.js';
export { CellHarness } from './matrix/cell-harness.js';
export { type PlannedCell, planCells } from './matrix/plan.js';
export { requiredFromEnv } from './matrix/require.js';
export { type CellRunContext, runCell } from './matrix/run-cell.js';
export { type MatrixOptions, runMatrix } from './matrix/run-matrix.js';
export type { FirstPartyFlow, FlowKind, PluginModuleRef, Subject } from './matrix/subject.js';
export { forceMatch } from './matrix/subject.js';
export {
  type CompanionFlowOptions,
  firstPartySubjects,
  type SubjectOptions,
  subjectForFlowPlugin,
  subjectsForCacheFactory,
  subjectsForIdpPlugin,
  subjectsForPlugin,
} from './matrix/subjects.js';
export { renderHtml } from './report/html.js';
export { renderMarkdown } from './report/markdown.js';
export { renderTextTable } from './report/text-table.js';
export { type WrittenReports, writeReports } from './report/write-reports.js';
export { SCENARIOS } from './scenarios/index.js';
export {
  check,
  expectErrorCode,
  type Scenario,
  ScenarioFailure,
  ScenarioSkip,
} from './scenarios/scenario.js';
export {
  consentDenialFromEnv,
  EXTERNAL_ENV,
  externalTarget,
} from './targets/external/external-target.js';
export { embeddedOidcProviderTarget } from './targets/oidc-provider/embedded-target.js';
export {
  createTarget,
  isTargetName,
  TARGET_NAMES,
  TARGET_PACKAGES,
  type TargetName,
} from './targets/registry.js';
export type {
  AudienceSupport,
  ConformanceTarget,
  FlowName,
  RunningTarget,
  TargetCapabilities,
  TargetClient,
  TestUser,
} from './targets/target.js';
export { TargetUnavailable } from './targets/target.js';
export { loadTargetPackage } from './targets/target-package.js';
export { generateTestCertificates, type TestCertificates } from './targets/tls/test-ca.js';
