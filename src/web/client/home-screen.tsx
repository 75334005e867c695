// ホーム: who is logged in, their role, whether the common operating hours are open, the work their rights open (届出,
// 審査, 本人確認（カード）, 広域交付, 運用時間) and the functions they may use.

import { operatorRoleLabel, terminalFunctionLabel, type TerminalFunction } from '../../domain/index.js';
import type { OperatorView } from './api.js';
import { OperatingHoursLine } from './operating-hours-screen.js';
import { ACCESS_LABELS, Screen } from './screen.js';

export function HomeScreen({
  operator,
  onOpenSearch,
  onOpenNotifications,
  onOpenExamination,
  onOpenCards,
  onOpenWideArea,
  onOpenOperatingHours,
  onOpenDisclosure,
  showOperatingHours = false,
}: {
  operator: OperatorView;
  /** Opens 住民検索 (and from it 住民票照会), for an operator who may search. */
  onOpenSearch?: () => void;
  /** Opens 届出, for an operator who may enter a 届出 or a 職権 act. */
  onOpenNotifications?: (() => void) | undefined;
  /** Opens 審査, for an operator who may confirm them. */
  onOpenExamination?: (() => void) | undefined;
  /** Opens 本人確認（カード）, for an operator who may confirm identities with a resident card. */
  onOpenCards?: (() => void) | undefined;
  /** Opens 広域交付, for an operator who may issue wide-area copies at a municipality. */
  onOpenWideArea?: (() => void) | undefined;
  /** Opens 運用時間, for an operator who may record exceptions to the common operating hours. */
  onOpenOperatingHours?: (() => void) | undefined;
  /** Opens 本人確認情報開示, at a national or prefectural window, for an operator who may disclose. */
  onOpenDisclosure?: (() => void) | undefined;
  /** Says whether the common operating hours are open now (a municipal node, an operator who may read them). */
  showOperatingHours?: boolean;
}) {
  const work = [
    ['/notifications', '届出', '届出・職権処理の入力', onOpenNotifications],
    ['/examination', '審査', '届出・職権処理の決裁と却下', onOpenExamination],
    ['/cards', '本人確認（カード）', '住基カードと暗証番号による本人確認、ロック解除', onOpenCards],
    ['/wide-area', '広域交付', '他の市区町村に住民登録のある方の住民票の写しの交付', onOpenWideArea],
    ['/operating-hours', '運用時間', '時間外運用の取り決めの記録と取下げ', onOpenOperatingHours],
    [
      '/disclosure',
      '本人確認情報開示',
      '住基カードと暗証番号による本人確認のうえ、本人確認情報とその提供の状況の開示',
      onOpenDisclosure,
    ],
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
      {showOperatingHours && <OperatingHoursLine />}
      {work.some(([, , , onOpen]) => onOpen !== undefined) && (
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
