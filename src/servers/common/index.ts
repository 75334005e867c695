// The servers' common layer: the node runtime, its configuration, the directory, readiness and the terminal port,
// the terminal's operators (operators/), and the contract each kind of server implements (node-module.ts).

export {
  CODE_REFILL_PENDING_KEY,
  checkCodeBlockSize,
  codeBlockRoutes,
  countAvailableCodes,
  findGrantedBlock,
  grantFromHolding,
  receiveCodeBlock,
  startCodeRefill,
  takeCode,
  type CodeBlock,
  type CodeRefill,
  type GrantCodeBlock,
} from './code-holding.js';
export {
  loadNodeConfig,
  nodeConfigSchema,
  operatingCalendarFor,
  operatorSettingsFor,
  terminalHostName,
  parseNodeConfig,
  type NodeConfig,
  type NodeConfigInput,
} from './config.js';
export {
  DIRECTORY_PATH,
  buildDirectory,
  directoryRoute,
  directoryView,
  fetchDirectory,
  pemFingerprint,
  verifyDirectory,
  type DirectoryDocument,
  type DirectoryEntry,
  type SignedDirectory,
} from './directory.js';
export { HEALTH_PATH, healthRoute, retryUntil, upstreamOf, waitForReady, type NodeHealth } from './health.js';
export {
  DEFAULT_BASE_PORT,
  orderNodes,
  prepareNetwork,
  type LayoutNode,
  type NetworkLayout,
} from './network-layout.js';
export type {
  DirectoryNode,
  DirectoryView,
  NodeContext,
  NodeModule,
  NodeModuleFactory,
  Outbox,
  TerminalRouteContext,
} from './node-module.js';
export {
  NODE_KEY_ALIAS,
  displayNameOf,
  startNode,
  type RunningNode,
  type StartNodeOptions,
} from './runtime.js';
export { openNodeCredentials, type NodeCredentials } from './node-credentials.js';
export {
  SETUP_TERMINAL,
  createOperatorService,
  operatorSettingsOf,
  operatorsConfigSchema,
  resolveOperatorSettings,
  verifyOperationLog,
  type ActiveSession,
  type Caller,
  type Operator,
  type OperationRecord,
  type OperationRequest,
  type OperationResult,
  type OperationScope,
  type OperatorService,
  type OperatorSettings,
} from './operators/index.js';
export { createTerminalServer, statusPage, type NodeStatus, type TerminalServer } from './terminal-server.js';
