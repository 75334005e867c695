// 証明書交付, started from 住民票照会: the kind (住民票の写し, 除票の写し, 記載事項証明書), the whole household or chosen
// members, the items asked for, an on-screen preview of what will print (omitted items listed as such), then 交付:
// POST /api/certificates answers the PDF, offered as a download (docs/certificates.md).

import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatWareki } from '../../domain/index.js';
import { ApiError, getJson, postForBlob } from './api.js';
import { CheckboxField, RadioGroup } from './form-fields.js';
import type { ResidentDetail, ResidentRecordView } from './notification-kinds.js';
import { ErrorAlert, StatusMessage } from './screen.js';

/**
 * The certificate items in print order with their Japanese names; the same vocabulary as CertificateItem in the
 * municipal certificates module, which the client may not import (servers are below the edge only through the API).
 */
const ITEMS = [
  ['address', '住所'],
  ['household-head', '世帯主'],
  ['name', '氏名'],
  ['common-name', '通称'],
  ['birth-date', '生年月日'],
  ['sex', '性別'],
  ['relationship', '続柄'],
  ['domicile', '本籍・筆頭者'],
  ['resident-since', '住民となった年月日'],
  ['address-since', '住所を定めた年月日'],
  ['address-notified-on', '住所を定めた旨の届出の年月日'],
  ['previous-address', '従前の住所'],
  ['nationality', '国籍・地域'],
  ['foreign-resident-category', '第30条の45に規定する区分'],
  ['residence-status', '在留資格'],
  ['period-of-stay', '在留期間等'],
  ['residence-card-number', '在留カード等の番号'],
  ['resident-code', '住民票コード'],
  ['closure', '消除'],
] as const;
type Item = (typeof ITEMS)[number][0];
const ITEM_LABEL = Object.fromEntries(ITEMS) as Record<Item, string>;
/** A copy prints these only when asked for (住民基本台帳法第12条第5項). */
const OPTIONAL_ON_COPY: readonly Item[] = ['relationship', 'domicile', 'resident-code'];
const HOUSEHOLD_ITEMS: readonly Item[] = ['address', 'household-head'];

type Kind = 'copy' | 'closed-copy' | 'entries';
const KIND_LABELS: Readonly<Record<Kind, string>> = {
  copy: '住民票の写し',
  'closed-copy': '除票の写し',
  entries: '住民票記載事項証明書',
};
const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  'mid-to-long-term': '中長期在留者',
  'special-permanent': '特別永住者',
  'temporary-refuge': '一時庇護許可者',
  'provisional-stay': '仮滞在許可者',
  'transitional-stay': '経過滞在者',
};
const CLOSURE_LABELS: Readonly<Record<string, string>> = {
  'move-out': '転出',
  death: '死亡',
  'official-deletion': '職権消除',
  'move-abroad': '国外転出',
};

function dateLine(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  try {
    return formatWareki(iso);
  } catch {
    return iso;
  }
}

/** The value a person's record holds for an item, as the preview shows it; undefined when the record has none. */
function valueOf(person: ResidentRecordView, item: Item): string | undefined {
  const foreign = person.foreign;
  switch (item) {
    case 'address':
    case 'household-head':
      return undefined;
    case 'name':
      return person.name;
    case 'common-name':
      return person.commonName;
    case 'birth-date':
      return dateLine(person.birthDate);
    case 'sex':
      return person.sex === 'male' ? '男' : person.sex === 'female' ? '女' : person.sex;
    case 'relationship':
      return person.relationship;
    case 'domicile':
      return person.domicile === undefined || person.foreignResident === true
        ? undefined
        : `${person.domicile.place}（筆頭者 ${person.domicile.head}）`;
    case 'resident-since':
      return dateLine(person.residentSince);
    case 'address-since':
      return dateLine(person.addressSince);
    case 'address-notified-on':
      return dateLine(person.addressNotifiedOn);
    case 'previous-address':
      return person.previousAddress;
    case 'nationality':
      return foreign?.nationality;
    case 'foreign-resident-category':
      return foreign === undefined ? undefined : (CATEGORY_LABELS[foreign.category] ?? foreign.category);
    case 'residence-status':
      return foreign?.residenceStatus;
    case 'period-of-stay':
      return foreign?.periodOfStay ?? foreign?.periodExpiresOn;
    case 'residence-card-number':
      return foreign?.residenceCardNumber;
    case 'resident-code':
      return person.residentCode;
    case 'closure':
      return person.closure === undefined
        ? undefined
        : `${dateLine(person.closure.date) ?? ''} ${CLOSURE_LABELS[person.closure.reason] ?? person.closure.reason}${
            person.closure.destination === undefined ? '' : `（${person.closure.destination}）`
          }`;
  }
}

/** The items the certificate prints for everyone, as the server decides them (item-selection.ts, mirrored). */
function wantedItems(kind: Kind, requested: ReadonlySet<Item>): Item[] {
  return ITEMS.map(([item]) => item).filter((item) => {
    if (OPTIONAL_ON_COPY.includes(item)) return requested.has(item);
    return kind === 'entries' ? requested.has(item) || item === 'name' : true;
  });
}

export function CertificateScreen({ detail, onBack }: { detail: ResidentDetail; onBack: () => void }) {
  const { resident, household } = detail;
  const [kind, setKind] = useState<Kind>(resident.closed ? 'closed-copy' : 'copy');
  const [whole, setWhole] = useState(!resident.closed);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set([resident.id]));
  const [requested, setRequested] = useState<ReadonlySet<Item>>(new Set());
  const [records, setRecords] = useState<ReadonlyMap<string, ResidentRecordView>>(
    new Map([[resident.id, resident]]),
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [pdf, setPdf] = useState<{ url: string; name: string } | undefined>();

  const members = useMemo(
    () => (resident.closed || household === null ? [resident] : household.members.filter((m) => !m.closed)),
    [resident, household],
  );
  // The preview needs each member's whole record (本籍, 住民となった年月日 …), read like 住民票照会 does.
  useEffect(() => {
    let current = true;
    const missing = members.filter((member) => !records.has(member.id));
    if (missing.length === 0) return;
    Promise.all(
      missing.map((member) => getJson<ResidentDetail>(`/api/residents/${encodeURIComponent(member.id)}`)),
    ).then(
      (details) => {
        if (!current) return;
        setRecords((previous) => {
          const next = new Map(previous);
          for (const loaded of details) next.set(loaded.resident.id, loaded.resident);
          return next;
        });
      },
      (caught: unknown) => {
        if (current) setError(caught instanceof ApiError ? caught.message : '住民情報を取得できません');
      },
    );
    return () => {
      current = false;
    };
  }, [members, records]);
  useEffect(() => () => (pdf === undefined ? undefined : URL.revokeObjectURL(pdf.url)), [pdf]);

  const printed = (whole && kind !== 'closed-copy' ? members : members.filter((m) => chosen.has(m.id)))
    .map((member) => records.get(member.id))
    .filter((record) => record !== undefined);
  const wanted = wantedItems(kind, requested);
  const omitted = ITEMS.map(([item]) => item).filter((item) => !wanted.includes(item));
  const headName =
    household?.members.find((member) => member.id === household.headResidentId)?.name ?? resident.name;
  const address = household?.address ?? resident.address;
  const choosable =
    kind === 'entries' ? ITEMS.map(([item]) => item).filter((item) => item !== 'name') : OPTIONAL_ON_COPY;

  function toggleItem(item: Item, on: boolean): void {
    setPdf(undefined);
    setRequested((previous) => {
      const next = new Set(previous);
      if (on) next.add(item);
      else next.delete(item);
      return next;
    });
  }

  function issue(event: FormEvent): void {
    event.preventDefault();
    setError(undefined);
    if (printed.length === 0) {
      setError('交付する者を選んでください');
      return;
    }
    const useWhole = whole && kind !== 'closed-copy';
    const body = {
      kind,
      residentIds: useWhole ? [resident.id] : printed.map((person) => person.id),
      ...(useWhole ? { wholeHousehold: true } : {}),
      items: [...requested],
    };
    setBusy(true);
    postForBlob('/api/certificates', body)
      .then(
        (blob) => {
          setPdf({ url: URL.createObjectURL(blob), name: `${KIND_LABELS[kind]}-${resident.name}.pdf` });
        },
        (caught: unknown) => setError(caught instanceof ApiError ? caught.message : '交付できませんでした'),
      )
      .finally(() => setBusy(false));
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onBack();
    }
  }

  return (
    <section aria-labelledby="certificate-heading" onKeyDown={onKeyDown}>
      <h2 id="certificate-heading">証明書交付</h2>
      <form onSubmit={issue} noValidate aria-labelledby="certificate-heading">
        <RadioGroup
          legend="証明書の種類"
          name="certificate-kind"
          value={kind}
          onChange={(value) => {
            setPdf(undefined);
            setKind(value as Kind);
            setRequested(new Set());
          }}
          options={(resident.closed ? (['closed-copy'] as const) : (['copy', 'entries'] as const)).map(
            (option) => [option, KIND_LABELS[option]] as const,
          )}
        />
        {kind !== 'closed-copy' && (
          <fieldset className="choices">
            <legend>交付する者</legend>
            <CheckboxField
              label="世帯全員"
              checked={whole}
              onChange={(checked) => {
                setPdf(undefined);
                setWhole(checked);
              }}
            />
            {!whole &&
              members.map((member) => (
                <CheckboxField
                  key={member.id}
                  label={`${member.name}（${member.relationship ?? ''}）`}
                  checked={chosen.has(member.id)}
                  onChange={(checked) => {
                    setPdf(undefined);
                    setChosen((previous) => {
                      const next = new Set(previous);
                      if (checked) next.add(member.id);
                      else next.delete(member.id);
                      return next;
                    });
                  }}
                />
              ))}
          </fieldset>
        )}
        <fieldset className="choices">
          <legend>{kind === 'entries' ? '証明する事項（氏名は必ず記載）' : '請求により記載する事項'}</legend>
          {choosable.map((item) => (
            <CheckboxField
              key={item}
              label={ITEM_LABEL[item]}
              checked={requested.has(item)}
              onChange={(checked) => toggleItem(item, checked)}
            />
          ))}
        </fieldset>

        <section aria-labelledby="preview-heading" className="preview" data-testid="certificate-preview">
          <h3 id="preview-heading">印刷内容の確認（{KIND_LABELS[kind]}）</h3>
          <dl className="facts">
            {wanted.includes('address') && (
              <>
                <dt>住所</dt>
                <dd>{address}</dd>
              </>
            )}
            {wanted.includes('household-head') && (
              <>
                <dt>世帯主</dt>
                <dd>{headName}</dd>
              </>
            )}
          </dl>
          {printed.map((person) => (
            <table key={person.id} className="person" data-testid="preview-person">
              <caption>{person.name}</caption>
              <tbody>
                {wanted
                  .filter((item) => !HOUSEHOLD_ITEMS.includes(item))
                  .map((item) => [item, valueOf(person, item)] as const)
                  .filter(([, value]) => value !== undefined)
                  .map(([item, value]) => (
                    <tr key={item}>
                      <th scope="row">{ITEM_LABEL[item]}</th>
                      <td>{value}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ))}
          <p data-testid="preview-omitted">
            記載を省略する事項: {omitted.map((item) => ITEM_LABEL[item]).join('、') || 'なし'}
          </p>
        </section>

        <ErrorAlert message={error} />
        <StatusMessage message={pdf === undefined ? undefined : `${KIND_LABELS[kind]}を交付しました`} />
        <div className="actions">
          <button type="submit" disabled={busy || printed.length === 0}>
            交付
          </button>
          {pdf !== undefined && (
            <a href={pdf.url} download={pdf.name} data-testid="certificate-pdf">
              PDFを保存
            </a>
          )}
          {pdf !== undefined && (
            <a href={pdf.url} target="_blank" rel="noreferrer">
              PDFを開く
            </a>
          )}
          <button type="button" onClick={onBack}>
            住民票照会に戻る
          </button>
        </div>
      </form>
    </section>
  );
}
