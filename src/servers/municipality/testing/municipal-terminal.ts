// Test helper: a test municipality's terminal (its own routes over the operator service) on port 0, with a 窓口担当
// (`madoguchi`), a 審査担当 (`shinsa`) and any other operators logged in, for the municipal route tests.

import type { OperatorRole } from '../../../domain/index.js';
import type { Store } from '../../../store/index.js';
import {
  logInOperators,
  startTestTerminal,
  type TestBrowser,
  type TestTerminal,
} from '../../common/terminal-api/testing/terminal-client.js';
import type { TestMunicipality } from './test-municipality.js';

/** The operators every municipal route test has. */
const CLERK_AND_EXAMINER = [
  { loginName: 'madoguchi', displayName: '窓口 太郎', role: 'counter-clerk' },
  { loginName: 'shinsa', displayName: '審査 次郎', role: 'examiner' },
] as const;

/**
 * Starts the terminal of `muni` over `store` (closed by one of `cleanups`) and logs in the clerk, the examiner and
 * `others`; answers the terminal and a browser per login name (`kanri` is the administrator who enrolled them).
 */
export async function startMunicipalTerminal(
  store: Store,
  muni: TestMunicipality,
  cleanups: (() => Promise<unknown>)[],
  others: readonly { loginName: string; displayName: string; role: OperatorRole }[] = [],
): Promise<{ terminal: TestTerminal; browsers: Map<string, TestBrowser> }> {
  const terminal = await startTestTerminal(store, {
    nodeId: muni.context.nodeId,
    clock: muni.clock,
    routes: (app, context) => muni.module.terminalRoutes?.(app, context),
    cleanups,
  });
  const browsers = await logInOperators(terminal, [...CLERK_AND_EXAMINER, ...others]);
  return { terminal, browsers };
}
