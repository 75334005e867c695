// ホーム: who is logged in, their role, and the functions their rights open.

import { operatorRoleLabel, terminalFunctionLabel, type TerminalFunction } from '../../domain/index.js';
import type { OperatorView } from './api.js';
import { ACCESS_LABELS, Screen } from './screen.js';

export function HomeScreen({
  operator,
  onOpenSearch,
}: {
  operator: OperatorView;
  /** Opens 住民検索 (and from it 住民票照会), for an operator who may search. */
  onOpenSearch?: () => void;
}) {
  const rights = (Object.entries(operator.rights) as [TerminalFunction, readonly string[]][]).filter(
    ([, access]) => access.length > 0,
  );
  return (
    <Screen title="ホーム">
      <p data-testid="welcome">{operator.displayName} さんがログインしています。</p>
      <dl className="facts">
        <dt>操作者</dt>
        <dd data-testid="operator-name">{operator.displayName}</dd>
        <dt>ログイン名</dt>
        <dd>{operator.loginName}</dd>
        <dt>役割</dt>
        <dd data-testid="operator-role">{operatorRoleLabel[operator.role]}</dd>
      </dl>
      <h2>利用できる機能</h2>
      <ul>
        {rights.map(([fn, access]) => (
          <li key={fn}>
            {fn === 'resident-search' && onOpenSearch !== undefined ? (
              <a
                href="/residents"
                onClick={(event) => {
                  event.preventDefault();
                  onOpenSearch();
                }}
              >
                {terminalFunctionLabel[fn]}
              </a>
            ) : (
              terminalFunctionLabel[fn]
            )}
            （{access.map((kind) => ACCESS_LABELS[kind] ?? kind).join('・')}）
          </li>
        ))}
      </ul>
    </Screen>
  );
}
