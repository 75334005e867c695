// The terminal's JSON API on the terminal port (docs/decisions/0005-terminal.md, docs/operators.md): operator login
// and sessions, the own operation log, 初期設定 and 操作者管理, with the terminal's identity, CSRF header and typed errors.

export { httpStatusOf, parseBody, replyWithError } from './replies.js';
export { registerOperatorRoutes } from './operator-routes.js';
export { registerSessionRoutes, type TerminalOperators } from './session-routes.js';
export {
  SESSION_COOKIE,
  TERMINAL_COOKIE,
  TERMINAL_HEADER,
  callerOf,
  identifyTerminal,
  terminalOf,
} from './terminal-identity.js';
export { operationView, operatorView, type OperationView, type OperatorView } from './views.js';
