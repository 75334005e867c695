// 特例転入届 at the new municipality (転入転出の特例, docs/special-move.md): the resident's card is confirmed with the PIN
// at this counter, the 転出証明書情報 is asked of the old municipality with that confirmation (POST
// /api/special-move/out-info), shown read-only, and the clerk then enters the move-in from it as a 届出, pending for
// the examiner.

import { useEffect, useRef, useState } from 'react';
import { ApiError, postJson, type OperatorView } from './api.js';
import { CardHolderCheck } from './card-reader.js';
import type { IdentityConfirmationView } from './card-views.js';
import { NotificationForm } from './notification-form.js';
import { OutInfoSummary, type OutInfoView } from './out-info-view.js';
import { ErrorAlert } from './screen.js';

export function SpecialMoveInFlow({
  operator,
  onBack,
  backLabel,
}: {
  operator: OperatorView;
  onBack: () => void;
  backLabel: string;
}) {
  const [confirmation, setConfirmation] = useState<IdentityConfirmationView | undefined>();
  const [outInfo, setOutInfo] = useState<OutInfoView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const fetchButton = useRef<HTMLButtonElement>(null);
  // Once the holder is confirmed, the keyboard goes on to the next step.
  useEffect(() => {
    if (confirmation !== undefined) fetchButton.current?.focus();
  }, [confirmation]);

  function fetchOutInfo(confirmed: IdentityConfirmationView): void {
    setBusy(true);
    setError(undefined);
    postJson<{ outInfo: OutInfoView }>('/api/special-move/out-info', {
      confirmationId: confirmed.confirmation.id,
    })
      .then(
        (answer) => setOutInfo(answer.outInfo),
        (caught: unknown) =>
          setError(caught instanceof ApiError ? caught.message : '転出証明書情報を取得できませんでした'),
      )
      .finally(() => setBusy(false));
  }

  return (
    <>
      <section aria-labelledby="special-move-card-heading">
        <h2 id="special-move-card-heading">特例転入: カードによる本人確認</h2>
        <p className="hint">
          付記転出届をした住基カードの所有者が来庁しています。カードリーダーのカードを選び、本人に暗証番号を入力してもらいます。
        </p>
        <CardHolderCheck
          onChange={(view) => {
            setConfirmation(view);
            setOutInfo(undefined);
            setError(undefined);
          }}
        />
      </section>
      {confirmation !== undefined && (
        <section aria-labelledby="special-move-info-heading">
          <h2 id="special-move-info-heading">転出証明書情報</h2>
          {outInfo === undefined ? (
            <>
              <p className="hint">
                転出元の市区町村に、{confirmation.identity.name}{' '}
                さんの付記転出届による転出証明書情報を求めます（共通運用時間帯内に限ります）。
              </p>
              <div className="actions">
                <button
                  ref={fetchButton}
                  type="button"
                  disabled={busy}
                  onClick={() => fetchOutInfo(confirmation)}
                >
                  転出証明書情報を取得
                </button>
              </div>
            </>
          ) : (
            <OutInfoSummary outInfo={outInfo} />
          )}
          <ErrorAlert message={error} />
        </section>
      )}
      {outInfo === undefined ? (
        <div className="actions">
          <button type="button" onClick={onBack}>
            {backLabel}
          </button>
        </div>
      ) : (
        <NotificationForm
          key={outInfo.id}
          kind="special-move-in"
          subject={{ outInfo }}
          operator={operator}
          backLabel={backLabel}
          onBack={onBack}
        />
      )}
    </>
  );
}
