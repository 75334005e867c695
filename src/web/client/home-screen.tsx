// ホーム: who is logged in, their role, the work their rights open (届出, 審査) and the functions they may use.

import { operatorRoleLabel, terminalFunctionLabel, type TerminalFunction } from '../../domain/index.js';
import type { OperatorView } from './api.js';
import { ACCESS_LABELS, Screen } from './screen.js';

export function HomeScreen({
  operator,
  onOpenSearch,
  onOpenNotifications,
  onOpenExamination,
}: {
  operator: OperatorView;
  /** Opens 住民検索 (and from it 住民票照会), for an operator who may search. */
  onOpenSearch?: () => void;
  /** Opens 届出, for an operator who may enter a 届出 or a 職権 act. */
  onOpenNotifications?: (() => void) | undefined;
  /** Opens 審査, for an operator who may confirm them. */
  onOpenExamination?: (() => void) | undefined;
}) {
  const work = [
    ['/notifications', '届出', '届出・職権処理の入力', onOpenNotifications],
    ['/examination', '審査', '届出・職権処理の決裁と却下', onOpenExamination],
  ] as const;
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
      {(onOpenNotifications !== undefined || onOpenExamination !== undefined) && (
        <>
          <h2>業務</h2>
          <ul data-testid="home-work">
            {work.map(
              ([href, label, description, onOpen]) =>
                onOpen !== undefined && (
                  <li key={href}>
                    <a
                      href={href}
                      onClick={(event) => {
                        event.preventDefault();
                        onOpen();
                      }}
                    >
                      {label}
                    </a>
                    （{description}）
                  </li>
                ),
            )}
          </ul>
        </>
      )}
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
