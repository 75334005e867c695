// 届出: the menu of every kind. A kind that opens a new record (出生届, 転入届 …) opens its form here (a 特例転入届 after
// the card holder's confirmation and the 転出証明書情報); a kind that acts on an existing record or household starts
// from 住民票照会, where the record is chosen, so the menu leads there.

import { useState } from 'react';
import type { OperatorView } from './api.js';
import { NotificationForm } from './notification-form.js';
import {
  mayEnter,
  NOTIFICATION_KINDS,
  notificationKindLabel,
  subjectOf,
  type NotificationKind,
} from './notification-kinds.js';
import { Screen } from './screen.js';
import { SpecialMoveInFlow } from './special-move-in-flow.js';

export function NotificationsScreen({
  operator,
  onOpenSearch,
}: {
  operator: OperatorView;
  onOpenSearch: () => void;
}) {
  const [kind, setKind] = useState<NotificationKind | undefined>();
  const [round, setRound] = useState(0);
  const newRecordKinds = NOTIFICATION_KINDS.filter((candidate) => subjectOf(candidate) === 'none');
  const recordKinds = NOTIFICATION_KINDS.filter((candidate) => subjectOf(candidate) !== 'none');

  if (kind !== undefined) {
    const back = (): void => {
      setKind(undefined);
      setRound(round + 1);
    };
    return (
      <Screen title="届出">
        {kind === 'special-move-in' ? (
          <SpecialMoveInFlow key={round} operator={operator} backLabel="届出の一覧に戻る" onBack={back} />
        ) : (
          <NotificationForm
            key={round}
            kind={kind}
            subject={{}}
            operator={operator}
            backLabel="届出の一覧に戻る"
            onBack={back}
          />
        )}
      </Screen>
    );
  }
  return (
    <Screen title="届出">
      <h2>新しく住民票を作る届出</h2>
      <ul className="menu-list">
        {newRecordKinds.map((candidate) => (
          <li key={candidate}>
            {mayEnter(operator, candidate) ? (
              <button type="button" onClick={() => setKind(candidate)}>
                {notificationKindLabel[candidate]}
              </button>
            ) : (
              <span aria-disabled="true">{notificationKindLabel[candidate]}（権限なし）</span>
            )}
          </li>
        ))}
      </ul>
      <h2>住民票・世帯について行う届出</h2>
      <p>
        住民検索で対象の住民票を開き、住民票照会の画面から入力します。{' '}
        <a
          href="/residents"
          onClick={(event) => {
            event.preventDefault();
            onOpenSearch();
          }}
        >
          住民検索へ
        </a>
      </p>
      <ul className="menu-list">
        {recordKinds.map((candidate) => (
          <li key={candidate}>
            {notificationKindLabel[candidate]}
            {subjectOf(candidate) === 'household' ? '（世帯）' : ''}
            {mayEnter(operator, candidate) ? '' : '（権限なし）'}
          </li>
        ))}
      </ul>
    </Screen>
  );
}
