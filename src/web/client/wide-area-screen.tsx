// 広域交付: a 住民票の写し of a person registered at another municipality, issued here (住民基本台帳法第12条の4,
// docs/wide-area-copy.md). The requester proves who they are with the resident card and PIN at this counter, or with
// a photo ID the clerk records; the clerk names the person by 住民票コード, the whole household or the person alone, and
// the items asked for; 交付 answers the PDF certified by this municipality and its fee. Below, today's copies and fees.

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postForPdf } from './api.js';
import { CardHolderCheck } from './card-reader.js';
import { localGovernmentName, type IdentityConfirmationView } from './card-views.js';
import { checkLength, checkRequired, checkResidentCode } from './field-checks.js';
import { CheckboxField, FieldGroup, RadioGroup, SelectField, TextField } from './form-fields.js';
import { ErrorAlert, formatTime, Screen, StatusMessage } from './screen.js';

/**
 * The photo identity documents a clerk accepts, with their names: PhotoIdDocument in the wide-area routes, which the
 * client may not import (servers are reached only through the API).
 */
const PHOTO_ID_LABELS = {
  'drivers-license': '運転免許証',
  passport: '旅券',
  'residence-card': '在留カード',
  'physical-disability-certificate': '身体障害者手帳',
  'other-official-photo-id': 'その他官公署発行の写真付き証明書',
} as const;
type PhotoIdDocument = keyof typeof PHOTO_ID_LABELS;
/** How the list names a card requester's document (RESIDENT_CARD_DOCUMENT in the wide-area store). */
const DOCUMENT_LABELS: Readonly<Record<string, string>> = {
  ...PHOTO_ID_LABELS,
  'resident-card': '住基カード',
};

/** The items a wide-area copy prints only when asked for (第12条の4第4項); 本籍・筆頭者 never. */
const OPTIONAL_ITEMS = [
  ['relationship', '続柄'],
  ['resident-code', '住民票コード'],
] as const;
type OptionalItem = (typeof OPTIONAL_ITEMS)[number][0];

type Method = 'card' | 'photo-id';
type Members = 'household' | 'self';

/** One copy as GET /api/wide-area/copies lists it. */
interface WideAreaCopyView {
  readonly id: string;
  readonly issuedAt: string;
  readonly requester: {
    readonly method: Method;
    readonly documentType: string;
    readonly documentNumber: string;
  };
  readonly addressLgCode: string;
  readonly residentCode: string;
  readonly codesPrinted: readonly string[];
  readonly fee: number;
  readonly pages: number;
}

interface CopyList {
  readonly copies: readonly WideAreaCopyView[];
  readonly count: number;
  readonly totalFee: number;
}

/** The copy just issued: its PDF to hand over, its fee and pages. */
interface Issued {
  readonly url: string;
  readonly fee: number;
  readonly pages: number;
}

const yen = (amount: number): string => `${amount.toLocaleString('ja-JP')}円`;
/** The person's 住民票コード, which takes the focus once the card holder is confirmed. */
const RESIDENT_CODE_ID = 'wide-area-resident-code';

export function WideAreaScreen() {
  const [method, setMethod] = useState<Method>('card');
  const [confirmation, setConfirmation] = useState<IdentityConfirmationView | undefined>();
  const [documentType, setDocumentType] = useState<PhotoIdDocument | ''>('');
  const [documentNumber, setDocumentNumber] = useState('');
  const [residentCode, setResidentCode] = useState('');
  const [members, setMembers] = useState<Members>('household');
  const [items, setItems] = useState<ReadonlySet<OptionalItem>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Issued | undefined>();
  const [list, setList] = useState<CopyList | undefined>();
  const [listError, setListError] = useState<string | undefined>();

  const reload = useCallback(async (): Promise<void> => {
    setList(await getJson<CopyList>('/api/wide-area/copies'));
  }, []);
  useEffect(() => {
    reload().catch((caught: unknown) =>
      setListError(caught instanceof ApiError ? caught.message : '交付の一覧を取得できません'),
    );
  }, [reload]);
  useEffect(() => () => (issued === undefined ? undefined : URL.revokeObjectURL(issued.url)), [issued]);

  const errors: Record<string, string | undefined> = {
    residentCode: checkResidentCode(residentCode, { required: true }),
    documentType: method === 'photo-id' && documentType === '' ? '書類の種類を選んでください' : undefined,
    documentNumber:
      method === 'photo-id'
        ? (checkRequired(documentNumber) ?? checkLength(documentNumber.trim(), 40))
        : undefined,
    confirmation:
      method === 'card' && confirmation === undefined
        ? 'カードと暗証番号で請求者の本人確認をしてください'
        : undefined,
  };
  const shown = (key: string): string | undefined =>
    submitted || touched.has(key) ? errors[key] : undefined;
  const leave = (key: string) => () => setTouched((previous) => new Set(previous).add(key));
  /** Any change to the request hides the copy issued for the one before. */
  const changed =
    <T,>(set: (value: T) => void) =>
    (value: T): void => {
      setIssued(undefined);
      set(value);
    };

  function issue(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    setError(undefined);
    const first = Object.values(errors).find((message) => message !== undefined);
    if (first !== undefined) {
      setError(errors['confirmation'] ?? '入力内容を確認してください');
      return;
    }
    const requester =
      method === 'card'
        ? { method, confirmationId: confirmation?.confirmation.id ?? '' }
        : { method, documentType, documentNumber: documentNumber.trim() };
    const body = {
      residentCode: residentCode.normalize('NFKC'),
      members,
      requester,
      ...(items.size === 0
        ? {}
        : { items: OPTIONAL_ITEMS.map(([item]) => item).filter((item) => items.has(item)) }),
    };
    setBusy(true);
    postForPdf('/api/wide-area/copies', body)
      .then(
        ({ blob, headers }) => {
          setIssued({
            url: URL.createObjectURL(blob),
            fee: Number(headers.get('x-jukinet-fee') ?? '0'),
            pages: Number(headers.get('x-jukinet-pages') ?? '1'),
          });
          return reload();
        },
        (caught: unknown) => setError(caught instanceof ApiError ? caught.message : '交付できませんでした'),
      )
      .catch(() => undefined)
      .finally(() => setBusy(false));
  }

  return (
    <Screen title="広域交付">
      <p className="hint">
        他の市区町村に住民登録のある方の住民票の写しを交付します（住民基本台帳法第12条の4）。本人または同一世帯の者の請求に限り、本籍・筆頭者は記載されません。
      </p>
      <section aria-labelledby="requester-heading">
        <h2 id="requester-heading">請求者の本人確認</h2>
        <RadioGroup
          legend="本人確認の方法"
          name="requester-method"
          value={method}
          onChange={(value) => changed(setMethod)(value as Method)}
          options={[
            ['card', '住基カードと暗証番号'],
            ['photo-id', '官公署発行の写真付き証明書'],
          ]}
        />
        {method === 'card' ? (
          <CardHolderCheck
            onChange={(view) => {
              setIssued(undefined);
              setConfirmation(view);
              // The holder usually asks for their own household: their code is the person's until changed, and the
              // keyboard goes on from there.
              if (view !== undefined) {
                setResidentCode(view.identity.residentCode);
                requestAnimationFrame(() => document.getElementById(RESIDENT_CODE_ID)?.focus());
              }
            }}
          />
        ) : (
          <div className="form-grid">
            <SelectField
              label="書類の種類"
              value={documentType}
              onChange={(value) => changed(setDocumentType)(value as PhotoIdDocument | '')}
              options={[['', '選んでください'], ...Object.entries(PHOTO_ID_LABELS)]}
              error={shown('documentType')}
              required
            />
            <TextField
              label="書類の番号"
              value={documentNumber}
              onChange={changed(setDocumentNumber)}
              onBlur={leave('documentNumber')}
              error={shown('documentNumber')}
              required
              help="証明書に記載の番号（40文字以内）"
            />
          </div>
        )}
      </section>

      <section aria-labelledby="copy-heading">
        <h2 id="copy-heading">交付の内容</h2>
        <form aria-labelledby="copy-heading" onSubmit={issue} noValidate>
          <FieldGroup legend="住民票の写し">
            <TextField
              id={RESIDENT_CODE_ID}
              label="住民票コード"
              value={residentCode}
              onChange={changed(setResidentCode)}
              onBlur={leave('residentCode')}
              error={shown('residentCode')}
              inputMode="numeric"
              required
              help="写しを求める方の住民票コード（11桁）"
            />
            <RadioGroup
              legend="交付する者"
              name="wide-area-members"
              value={members}
              onChange={(value) => changed(setMembers)(value as Members)}
              options={[
                ['household', '世帯全員'],
                ['self', '本人のみ'],
              ]}
            />
            <fieldset className="choices">
              <legend>請求により記載する事項</legend>
              {OPTIONAL_ITEMS.map(([item, label]) => (
                <CheckboxField
                  key={item}
                  label={label}
                  checked={items.has(item)}
                  onChange={(checked) =>
                    changed(setItems)(
                      new Set([...items].filter((chosen) => chosen !== item).concat(checked ? [item] : [])),
                    )
                  }
                />
              ))}
            </fieldset>
          </FieldGroup>
          <ErrorAlert message={error} />
          <StatusMessage
            message={
              issued === undefined ? undefined : `広域交付の住民票の写しを交付しました（${issued.pages}枚）`
            }
          />
          {issued !== undefined && (
            <p data-testid="wide-area-fee" className="notice">
              手数料 {yen(issued.fee)}
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              交付
            </button>
            {issued !== undefined && (
              <>
                <a href={issued.url} download="広域交付-住民票の写し.pdf" data-testid="wide-area-pdf">
                  PDFを保存
                </a>
                <a href={issued.url} target="_blank" rel="noreferrer">
                  PDFを開く
                </a>
              </>
            )}
          </div>
        </form>
      </section>

      <section aria-labelledby="copies-heading">
        <h2 id="copies-heading">本日の広域交付</h2>
        <ErrorAlert message={listError} />
        {list !== undefined &&
          (list.count === 0 ? (
            <p>本日の広域交付はまだありません。</p>
          ) : (
            <table data-testid="wide-area-copies">
              <caption data-testid="wide-area-total">
                本日の交付 {list.count}件、手数料合計 {yen(list.totalFee)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">交付日時</th>
                  <th scope="col">住所地</th>
                  <th scope="col">住民票コード</th>
                  <th scope="col">記載人数</th>
                  <th scope="col">請求者の確認</th>
                  <th scope="col">枚数</th>
                  <th scope="col">手数料</th>
                </tr>
              </thead>
              <tbody>
                {list.copies.map((copy) => (
                  <tr key={copy.id}>
                    <td>{formatTime(copy.issuedAt)}</td>
                    <td>{localGovernmentName(copy.addressLgCode)}</td>
                    <td>{copy.residentCode}</td>
                    <td className="number">{copy.codesPrinted.length}人</td>
                    <td>{DOCUMENT_LABELS[copy.requester.documentType] ?? copy.requester.documentType}</td>
                    <td className="number">{copy.pages}</td>
                    <td className="number">{yen(copy.fee)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
    </Screen>
  );
}
