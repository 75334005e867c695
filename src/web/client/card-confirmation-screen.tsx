// 本人確認（カード）: the cards in the counter's reader; the clerk picks one, the resident enters the PIN, and the holder's
// 本人確認情報 is shown with the card and how long the confirmation serves; a locked card is unlocked here by a clerk
// with card-issue write, after checking the holder's identity, with the resident's new PIN (docs/card-issuance.md).

import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { changeReasonLabel, sexLabel } from '../../domain/index.js';
import { postJson, type OperatorView } from './api.js';
import {
  EMPTY_IDENTITY_CHECK,
  IdentityCheckFields,
  identityCheckErrors,
  isPinPairValid,
  PinPairFields,
  trimmedIdentityCheck,
} from './card-fields.js';
import { PinEntry, ReaderTable, useReaderCards } from './card-reader.js';
import {
  admissionLabel,
  cardCodeMessage,
  cardMessageOf,
  localGovernmentName,
  may,
  warekiOf,
  type IdentityConfirmationView,
  type ReaderCardView,
} from './card-views.js';
import { ErrorAlert, formatTime, Screen, StatusMessage } from './screen.js';

export function CardConfirmationScreen({ operator }: { operator: OperatorView }) {
  const [result, setResult] = useState<IdentityConfirmationView | undefined>();
  const [locked, setLocked] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const reader = useReaderCards('/api/cards/reader', setError);

  function choose(card: ReaderCardView): void {
    reader.pick(card);
    setResult(undefined);
    setDone(undefined);
    setLocked(card.state === 'locked');
    setError(card.state === 'locked' ? cardCodeMessage('JUKI_ERR_CARD_LOCKED') : undefined);
  }

  function confirmed(view: IdentityConfirmationView): void {
    setError(undefined);
    setResult(view);
    setDone('本人確認ができました');
  }

  function refused(caught: unknown, code: string | undefined): void {
    setResult(undefined);
    setDone(undefined);
    setError(cardMessageOf(caught));
    setLocked(code === 'JUKI_ERR_CARD_LOCKED');
    reader.reload().catch(() => undefined);
  }

  const { card } = reader;
  return (
    <Screen title="本人確認（カード）">
      <ReaderTable
        cards={reader.cards}
        chosen={reader.chosen}
        onChoose={choose}
        onReload={() => void reader.reload().catch((caught: unknown) => setError(cardMessageOf(caught)))}
      />
      {card !== undefined && !locked && (
        <PinEntry
          key={`${card.cardId}-${reader.picks}`}
          cardId={card.cardId}
          onConfirmed={confirmed}
          onRefused={refused}
        />
      )}
      <ErrorAlert message={error} />
      <StatusMessage message={done} />
      {card !== undefined && locked && may(operator, 'card-issue', 'write') && (
        <UnlockForm
          cardId={card.cardId}
          onUnlocked={() => {
            setLocked(false);
            setError(undefined);
            setDone('ロックを解除しました。新しい暗証番号で本人確認してください');
            reader.reload().catch(() => undefined);
          }}
          onError={(message) => setError(message)}
        />
      )}
      {result !== undefined && <IdentityResult view={result} />}
    </Screen>
  );
}

/** ロック解除: the holder's identity checked at the counter, then the resident's new PIN, typed twice. */
function UnlockForm({
  cardId,
  onUnlocked,
  onError,
}: {
  cardId: string;
  onUnlocked: () => void;
  onError: (message: string) => void;
}) {
  const [check, setCheck] = useState(EMPTY_IDENTITY_CHECK);
  const [first, setFirst] = useState('');
  const [repeat, setRepeat] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // The PIN entry gave way to this form: the focus moves to its first field.
  useEffect(() => form.current?.querySelector('select')?.focus(), []);

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(identityCheckErrors(check)).length > 0 || !isPinPairValid(first, repeat)) return;
    setBusy(true);
    postJson('/api/cards/unlock', { cardId, newPin: first, identityCheck: trimmedIdentityCheck(check) })
      .then(onUnlocked, (caught: unknown) => onError(cardMessageOf(caught)))
      .finally(() => setBusy(false));
  }

  return (
    <form ref={form} aria-labelledby="unlock-heading" onSubmit={submit} noValidate>
      <h2 id="unlock-heading">ロック解除</h2>
      <IdentityCheckFields value={check} onChange={setCheck} submitted={submitted} />
      <PinPairFields
        label="新しい暗証番号"
        first={first}
        repeat={repeat}
        onFirst={setFirst}
        onRepeat={setRepeat}
        submitted={submitted}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          ロック解除
        </button>
      </div>
    </form>
  );
}

/** The holder's 本人確認情報 as the network answered it, the card, and until when the confirmation serves. */
function IdentityResult({ view }: { view: IdentityConfirmationView }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [view]);
  const { identity, card, confirmation } = view;
  const items: [string, string][] = [
    ['氏名', identity.name],
    ...(identity.nameKana === undefined ? [] : [['フリガナ', identity.nameKana] as [string, string]]),
    ...(identity.commonName === undefined ? [] : [['通称', identity.commonName] as [string, string]]),
    ['生年月日', warekiOf(identity.birthDate)],
    ['性別', sexLabel(identity.sex)],
    ['住所', identity.address],
    ['住民票コード', identity.residentCode],
    ['異動事由', changeReasonLabel(identity.change.reason)],
    ['異動年月日', warekiOf(identity.change.date)],
  ];
  return (
    <section aria-labelledby="identity-heading">
      <h2 id="identity-heading" tabIndex={-1} ref={heading}>
        本人確認情報
      </h2>
      <dl className="facts" data-testid="identity-info">
        {items.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      <h3>カード</h3>
      <dl className="facts" data-testid="confirmed-card">
        <dt>カード番号</dt>
        <dd>{card.cardId}</dd>
        <dt>発行市区町村</dt>
        <dd>{localGovernmentName(card.issuerMunicipality)}</dd>
        <dt>有効期限</dt>
        <dd>{warekiOf(card.validUntil)}</dd>
      </dl>
      <p data-testid="confirmation-expiry">
        この本人確認は {formatTime(confirmation.expiresAt)} まで、同じ窓口での広域交付・転入の手続に使えます（
        {admissionLabel[view.admission]}）。
      </p>
    </section>
  );
}
