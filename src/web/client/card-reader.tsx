// The counter's card reader as the screens use it: the cards read off without a PIN, the PIN the resident types, and
// together the card holder's identity confirmation (POST /api/cards/confirm) that a wide-area copy or a one-visit move
// at the same counter cites for 30 minutes instead of asking for the PIN again (docs/card-issuance.md).

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from './api.js';
import { checkPin } from './card-checks.js';
import { PinInput } from './card-fields.js';
import {
  cardCodeMessage,
  cardMessageOf,
  cardStateLabel,
  localGovernmentName,
  warekiOf,
  type IdentityConfirmationView,
  type ReaderCardView,
} from './card-views.js';
import { ErrorAlert, formatTime } from './screen.js';

type HeadingLevel = 2 | 3;

/** A reader's cards as a screen keeps them, and the one the clerk picked. */
export interface ReaderCards {
  readonly cards: readonly ReaderCardView[] | undefined;
  readonly chosen: string | undefined;
  /** The picked card's view, once the list has it. */
  readonly card: ReaderCardView | undefined;
  /** Counts the picks: picking a card (again) starts a fresh PIN entry, which takes the focus. */
  readonly picks: number;
  pick(card: ReaderCardView): void;
  unpick(): void;
  /** Reads the reader again; a failure rejects. */
  reload(): Promise<void>;
}

/**
 * The cards in the reader at `path` (GET, `{ cards }`), read on first show and on `reload`; a failure of the first
 * read goes to `onError` as a message.
 */
export function useReaderCards(path: string, onError: (message: string) => void): ReaderCards {
  const [cards, setCards] = useState<readonly ReaderCardView[] | undefined>();
  const [chosen, setChosen] = useState<string | undefined>();
  const [picks, setPicks] = useState(0);
  const reload = useCallback(async (): Promise<void> => {
    const answer = await getJson<{ cards: ReaderCardView[] }>(path);
    setCards(answer.cards);
  }, [path]);
  useEffect(() => {
    reload().catch((caught: unknown) => onError(cardMessageOf(caught)));
  }, [reload, onError]);
  return {
    cards,
    chosen,
    card: cards?.find((candidate) => candidate.cardId === chosen),
    picks,
    pick(card) {
      setChosen(card.cardId);
      setPicks((previous) => previous + 1);
    },
    unpick() {
      setChosen(undefined);
    },
    reload,
  };
}

/** The cards in the reader, with what can be read off them without a PIN, and 再読み込み. */
export function ReaderTable({
  cards,
  chosen,
  onChoose,
  onReload,
  level = 2,
}: {
  cards: readonly ReaderCardView[] | undefined;
  chosen: string | undefined;
  onChoose: (card: ReaderCardView) => void;
  onReload: () => void;
  /** The heading's level: 2 on its own screen, 3 inside another screen's section. */
  level?: HeadingLevel;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="reader-heading">
      <Heading id="reader-heading">カードリーダー</Heading>
      <div className="actions">
        <button type="button" onClick={onReload}>
          再読み込み
        </button>
      </div>
      {cards !== undefined &&
        (cards.length === 0 ? (
          <p role="status">カードリーダーにカードがありません。カードを置いて再読み込みしてください。</p>
        ) : (
          <table data-testid="reader-cards">
            <caption>読み取ったカード（{cards.length}枚）</caption>
            <thead>
              <tr>
                <th scope="col">カード番号</th>
                <th scope="col">状態</th>
                <th scope="col">発行市区町村</th>
                <th scope="col">有効期限</th>
                <th scope="col">暗証番号の残り回数</th>
              </tr>
            </thead>
            <tbody>
              {cards.map((card) => (
                <tr key={card.cardId}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      aria-pressed={card.cardId === chosen}
                      onClick={() => onChoose(card)}
                    >
                      {card.cardId}
                    </button>
                  </td>
                  <td>{cardStateLabel[card.state] ?? card.state}</td>
                  <td>
                    {card.issuerMunicipality === null ? '—' : localGovernmentName(card.issuerMunicipality)}
                  </td>
                  <td>{card.validUntil === null ? '—' : warekiOf(card.validUntil)}</td>
                  <td className="number">{card.pinTriesRemaining}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

/** The resident enters the PIN (masked); 確認 asks the card and the network. */
export function PinEntry({
  cardId,
  onConfirmed,
  onRefused,
  level = 2,
}: {
  cardId: string;
  onConfirmed: (view: IdentityConfirmationView) => void;
  onRefused: (caught: unknown, code: string | undefined) => void;
  level?: HeadingLevel;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const [pin, setPin] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector('input')?.focus(), []);
  const pinError = checkPin(pin, { complete: submitted });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (checkPin(pin, { complete: true }) !== undefined) return;
    setBusy(true);
    postJson<IdentityConfirmationView>('/api/cards/confirm', { cardId, pin })
      .then(onConfirmed, (caught: unknown) => {
        onRefused(caught, caught instanceof ApiError ? caught.code : undefined);
        form.current?.querySelector('input')?.focus();
      })
      .finally(() => {
        setPin('');
        setSubmitted(false);
        setBusy(false);
      });
  }

  return (
    <form ref={form} aria-labelledby="pin-heading" onSubmit={submit} noValidate>
      <Heading id="pin-heading">暗証番号の入力（カード {cardId}）</Heading>
      <p className="hint">本人に暗証番号（数字4桁）を入力してもらいます。</p>
      <div className="form-grid">
        <PinInput label="暗証番号" value={pin} onChange={setPin} error={pinError} />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          確認
        </button>
      </div>
    </form>
  );
}

/**
 * 本人確認 with the card inside another screen: the clerk picks the card in the reader, the resident enters the PIN,
 * and the holder confirmed is shown with until when the confirmation serves; 確認し直す starts again. A locked card is
 * unlocked on 本人確認（カード）.
 */
export function CardHolderCheck({
  onChange,
  level = 3,
}: {
  /** The confirmation made, or undefined when the clerk starts again. */
  onChange: (view: IdentityConfirmationView | undefined) => void;
  level?: HeadingLevel;
}) {
  const [confirmed, setConfirmed] = useState<IdentityConfirmationView | undefined>();
  const [locked, setLocked] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const reader = useReaderCards('/api/cards/reader', setError);

  function choose(card: ReaderCardView): void {
    reader.pick(card);
    setLocked(card.state === 'locked');
    setError(card.state === 'locked' ? lockedMessage() : undefined);
  }

  function again(): void {
    setConfirmed(undefined);
    reader.unpick();
    setError(undefined);
    onChange(undefined);
    reader.reload().catch((caught: unknown) => setError(cardMessageOf(caught)));
  }

  if (confirmed !== undefined) {
    return <ConfirmedHolder view={confirmed} onAgain={again} />;
  }
  const { card } = reader;
  return (
    <>
      <ReaderTable
        cards={reader.cards}
        chosen={reader.chosen}
        onChoose={choose}
        onReload={() => void reader.reload().catch((caught: unknown) => setError(cardMessageOf(caught)))}
        level={level}
      />
      {card !== undefined && !locked && (
        <PinEntry
          key={`${card.cardId}-${reader.picks}`}
          cardId={card.cardId}
          level={level}
          onConfirmed={(view) => {
            setError(undefined);
            setConfirmed(view);
            onChange(view);
          }}
          onRefused={(caught, code) => {
            setLocked(code === 'JUKI_ERR_CARD_LOCKED');
            setError(code === 'JUKI_ERR_CARD_LOCKED' ? lockedMessage() : cardMessageOf(caught));
            reader.reload().catch(() => undefined);
          }}
        />
      )}
      <ErrorAlert message={error} />
    </>
  );
}

function lockedMessage(): string {
  return `${cardCodeMessage('JUKI_ERR_CARD_LOCKED')}（ロック解除は「本人確認（カード）」の画面で行います）`;
}

/** The card holder as the network confirmed them, and until when the confirmation serves at this counter. */
function ConfirmedHolder({ view, onAgain }: { view: IdentityConfirmationView; onAgain: () => void }) {
  const { identity, card, confirmation } = view;
  return (
    <div data-testid="card-holder">
      <p role="status" className="notice">
        カードと暗証番号で本人確認ができました（{formatTime(confirmation.expiresAt)} まで有効）
      </p>
      <dl className="facts">
        <dt>氏名</dt>
        <dd>{identity.name}</dd>
        <dt>生年月日</dt>
        <dd>{warekiOf(identity.birthDate)}</dd>
        <dt>住所</dt>
        <dd>{identity.address}</dd>
        <dt>住民票コード</dt>
        <dd>{identity.residentCode}</dd>
        <dt>カード</dt>
        <dd>
          {card.cardId}（{localGovernmentName(card.issuerMunicipality)}発行）
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={onAgain}>
          別のカードで確認し直す
        </button>
      </div>
    </div>
  );
}
