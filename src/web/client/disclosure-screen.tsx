// 本人確認情報開示 at the national centre's or a prefecture's window (docs/self-disclosure.md): the cards in the
// window's reader, the resident's PIN, then the answer: the person's 本人確認情報, every provision of it (when, to
// whom, for which affair under which law, how, by which server), the servers asked, whether the answer is complete,
// and the 本人確認情報開示回答書 (PDF) to print and hand over.

import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { changeReasonLabel, formatJapanDateTime, sexLabel, type IdentityInfo } from '../../domain/index.js';
import { ApiError, postJson } from './api.js';
import { checkPin } from './card-checks.js';
import { PinInput } from './card-fields.js';
import { ReaderTable, useReaderCards } from './card-reader.js';
import { cardCodeMessage, cardMessageOf, warekiOf, type ReaderCardView } from './card-views.js';
import { ErrorAlert, Screen, StatusMessage } from './screen.js';

/** One provision as POST /api/disclosures answers it (src/servers/common/disclosure/disclosure-answer.ts). */
interface DisclosedProvisionView {
  readonly id: string;
  readonly provider: string;
  readonly providerName: string;
  readonly at: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly affair: {
    readonly id: string;
    readonly name: string | null;
    readonly law: string | null;
    readonly article: string | null;
  };
  readonly method: 'online' | 'batch';
  readonly query: 'code' | 'four-items';
  readonly asOf: string | null;
  readonly residentCodes: readonly string[];
}

/** What POST /api/disclosures answers. */
interface DisclosureView {
  readonly disclosure: {
    readonly id: string;
    readonly at: string;
    readonly window: { readonly node: string; readonly body: string };
    readonly identity: IdentityInfo;
    readonly formerResidentCodes: readonly string[];
    readonly provisions: readonly DisclosedProvisionView[];
    readonly sources: readonly {
      readonly node: string;
      readonly name: string;
      readonly state: 'answered' | 'unavailable';
      readonly count: number;
      readonly error?: string;
    }[];
    readonly complete: boolean;
  };
  readonly document: { readonly title: string; readonly fileName: string; readonly base64: string };
}

const METHOD_LABEL = { online: '電気通信回線', batch: '媒体' } as const;
const QUERY_LABEL = { code: '住民票コード', 'four-items': '4情報' } as const;

export function DisclosureScreen() {
  const [view, setView] = useState<DisclosureView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const reader = useReaderCards('/api/disclosure/reader', setError);

  function choose(card: ReaderCardView): void {
    reader.pick(card);
    setView(undefined);
    setDone(undefined);
    setError(card.state === 'locked' ? lockedMessage() : undefined);
  }

  const { card } = reader;
  return (
    <Screen title="本人確認情報開示">
      <p className="hint">
        住民の方にカードをカードリーダーに置いてもらい、カードを選んで暗証番号を入力してもらいます。本人確認情報と、その提供の状況を開示します。
      </p>
      <ReaderTable
        cards={reader.cards}
        chosen={reader.chosen}
        onChoose={choose}
        onReload={() => void reader.reload().catch((caught: unknown) => setError(cardMessageOf(caught)))}
      />
      {card !== undefined && card.state !== 'locked' && view === undefined && (
        <DisclosurePinEntry
          key={`${card.cardId}-${reader.picks}`}
          cardId={card.cardId}
          onDisclosed={(answer) => {
            setError(undefined);
            setView(answer);
            reader.reload().catch(() => undefined);
            setDone(
              answer.disclosure.complete
                ? '開示しました。回答書を印刷してお渡しください'
                : '開示しました。一部のサーバから回答が得られなかったため、この回答は完全ではありません',
            );
          }}
          onRefused={(caught) => {
            const code = caught instanceof ApiError ? caught.code : undefined;
            setError(code === 'JUKI_ERR_CARD_LOCKED' ? lockedMessage() : cardMessageOf(caught));
            reader.reload().catch(() => undefined);
          }}
        />
      )}
      <ErrorAlert message={error} />
      <StatusMessage message={done} />
      {view !== undefined && <DisclosureResult view={view} />}
    </Screen>
  );
}

function lockedMessage(): string {
  return `${cardCodeMessage('JUKI_ERR_CARD_LOCKED')}（ロック解除は市区町村の窓口で行います）`;
}

/** The resident enters the PIN (masked); 開示 checks the card and the PIN and makes the disclosure. */
function DisclosurePinEntry({
  cardId,
  onDisclosed,
  onRefused,
}: {
  cardId: string;
  onDisclosed: (view: DisclosureView) => void;
  onRefused: (caught: unknown) => void;
}) {
  const [pin, setPin] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector('input')?.focus(), []);

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (checkPin(pin, { complete: true }) !== undefined) return;
    setBusy(true);
    postJson<DisclosureView>('/api/disclosures', { cardId, pin })
      .then(onDisclosed, (caught: unknown) => {
        onRefused(caught);
        form.current?.querySelector('input')?.focus();
      })
      .finally(() => {
        setPin('');
        setSubmitted(false);
        setBusy(false);
      });
  }

  return (
    <form ref={form} aria-labelledby="disclosure-pin-heading" onSubmit={submit} noValidate>
      <h2 id="disclosure-pin-heading">暗証番号の入力（カード {cardId}）</h2>
      <div className="form-grid">
        <PinInput
          label="暗証番号"
          value={pin}
          onChange={setPin}
          error={checkPin(pin, { complete: submitted })}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          開示
        </button>
      </div>
    </form>
  );
}

/** The answer: identity, provisions, the servers asked, and the document. */
function DisclosureResult({ view }: { view: DisclosureView }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [view]);
  const { disclosure } = view;
  const { identity } = disclosure;
  const documentUrl = useDocumentUrl(view.document.base64);
  const items: [string, string][] = [
    ['住民票コード', identity.residentCode],
    ...(disclosure.formerResidentCodes.length === 0
      ? []
      : [['以前の住民票コード', disclosure.formerResidentCodes.join('、')] as [string, string]]),
    ['氏名', identity.name],
    ...(identity.nameKana === undefined ? [] : [['フリガナ', identity.nameKana] as [string, string]]),
    ['生年月日', warekiOf(identity.birthDate)],
    ['性別', sexLabel(identity.sex)],
    ['住所', identity.address],
    ['異動事由', changeReasonLabel(identity.change.reason)],
    ['異動年月日', warekiOf(identity.change.date)],
  ];
  return (
    <section aria-labelledby="disclosure-heading">
      <h2 id="disclosure-heading" tabIndex={-1} ref={heading}>
        開示の内容（{disclosure.window.body}）
      </h2>
      {!disclosure.complete && (
        <p role="alert" className="error" data-testid="disclosure-incomplete">
          回答の得られなかったサーバがあります。この回答に含まれない提供の記録があり得ます。
        </p>
      )}
      <p>
        {documentUrl !== undefined && (
          <a href={documentUrl} download={view.document.fileName} data-testid="disclosure-document">
            {view.document.title}（PDF）
          </a>
        )}
      </p>
      <h3>本人確認情報</h3>
      <dl className="facts" data-testid="disclosure-identity">
        {items.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      <h3>提供の状況</h3>
      {disclosure.provisions.length === 0 ? (
        <p data-testid="disclosure-none">本人確認情報を提供した記録はありません。</p>
      ) : (
        <table data-testid="disclosure-provisions">
          <caption>提供の記録（{disclosure.provisions.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">提供日時</th>
              <th scope="col">提供先</th>
              <th scope="col">事務・根拠法令</th>
              <th scope="col">提供の方法</th>
              <th scope="col">提供した者</th>
            </tr>
          </thead>
          <tbody>
            {disclosure.provisions.map((provision) => (
              <tr key={`${provision.provider}-${provision.id}`}>
                <td>{formatJapanDateTime(new Date(provision.at))}</td>
                <td>{provision.agency.name}</td>
                <td>
                  {provision.affair.name ?? provision.affair.id}
                  {provision.affair.law === null
                    ? ''
                    : `（${provision.affair.law}${provision.affair.article ?? ''}）`}
                </td>
                <td>
                  {METHOD_LABEL[provision.method]}・{QUERY_LABEL[provision.query]}
                  {provision.asOf === null ? '' : `（${warekiOf(provision.asOf)}時点）`}
                </td>
                <td>{provision.providerName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>照会したサーバ</h3>
      <ul data-testid="disclosure-sources">
        {disclosure.sources.map((source) => (
          <li key={source.node}>
            {source.name}：
            {source.state === 'answered'
              ? `回答あり（${source.count}件）`
              : `回答なし（${source.error ?? ''}）`}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An object URL for the document's PDF, revoked when the answer goes. */
function useDocumentUrl(base64: string): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const made = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [base64]);
  return url;
}
