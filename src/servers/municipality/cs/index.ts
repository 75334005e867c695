// The municipal CS (communication server) module: what it does with the register's changes.

export { applyRegisterChange, type CsOutcome } from './communication-server.js';
