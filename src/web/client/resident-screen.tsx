// 住民検索 and 住民票照会 (municipal terminal): search by name (with the birth date), 住民票コード or address, then
// open a record with its household, its 異動 and its 住基カード (docs/operators.md, "The terminal's API").

import { Fragment, useCallback, useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ApiError, getJson, type OperatorView } from './api.js';
import { CardIssuancePanel } from './card-issuance-panel.js';
import { localGovernmentName, warekiOf } from './card-views.js';
import { CertificateScreen } from './certificate-screen.js';
import { NotificationForm } from './notification-form.js';
import {
  mayEnter,
  notificationKindLabel,
  type NotificationKind,
  type ResidentDetail,
  type ResidentSummary,
} from './notification-kinds.js';
import { ErrorAlert, Screen } from './screen.js';

/** What 住民票照会 shows below the search: the record, a 届出 form started from it, or 証明書交付. */
type Mode =
  | { readonly view: 'record' }
  | { readonly view: 'form'; readonly kind: NotificationKind; readonly joinHousehold?: boolean }
  | { readonly view: 'certificate' };

/** The 届出 a record view offers, in the order of the buttons. */
const RECORD_ACTIONS: readonly NotificationKind[] = [
  'move-within',
  'move-out',
  'special-move-out',
  'death',
  'name-change',
  'household-head-change',
  'household-split',
  'household-merge',
  'code-change',
  'official-deletion',
  'official-correction',
];

/** The record view's buttons name the act, not the form. */
const ACTION_BUTTON_LABELS: Readonly<Partial<Record<NotificationKind, string>>> = {
  'move-within': '転居',
  'move-out': '転出',
  'special-move-out': '付記転出',
  death: '死亡',
  'name-change': '氏名変更',
  'household-head-change': '世帯主変更',
  'household-split': '世帯分離',
  'household-merge': '世帯合併',
  'code-change': '住民票コード変更請求',
  'official-deletion': '職権消除',
  'official-correction': '職権修正',
};

const SEX_LABELS: Readonly<Record<string, string>> = { male: '男', female: '女' };
const FOREIGN_CATEGORY_LABELS: Readonly<Record<string, string>> = {
  'mid-to-long-term': '中長期在留者',
  'special-permanent': '特別永住者',
  'temporary-refuge': '一時庇護許可者',
  'provisional-stay': '仮滞在許可者',
  'transitional-stay': '出生による経過滞在者・国籍喪失による経過滞在者',
};
const ACTION_LABELS: Readonly<Record<string, string>> = {
  birth: '出生',
  'entry-from-abroad': '国外からの転入',
  'official-entry': '職権記載',
  'move-in': '転入',
  'move-within': '転居',
  'move-out': '転出',
  'move-abroad': '国外への転出',
  death: '死亡',
  'name-change': '氏名の変更',
  'code-change': '住民票コードの変更',
  'household-head-change': '世帯主変更',
  'household-split': '世帯分離',
  'household-merge': '世帯合併',
  'official-deletion': '職権消除',
  'official-correction': '職権修正',
  'special-move-out': '付記転出届（特例転出予定）',
};

function messageOf(caught: unknown): string {
  return caught instanceof ApiError ? caught.message : '住民情報を取得できません';
}

export function ResidentScreen({
  operator,
  initialResidentId,
}: {
  operator: OperatorView;
  /** A record to open at once (a link from 審査's results). */
  initialResidentId?: string | undefined;
}) {
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [code, setCode] = useState('');
  const [address, setAddress] = useState('');
  const [includeClosed, setIncludeClosed] = useState(false);
  const [results, setResults] = useState<readonly ResidentSummary[] | undefined>();
  const [detail, setDetail] = useState<ResidentDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [mode, setMode] = useState<Mode>({ view: 'record' });
  const recordHeading = useRef<HTMLHeadingElement>(null);

  const open = useCallback((id: string, options: { focus?: boolean } = {}): void => {
    setError(undefined);
    getJson<ResidentDetail>(`/api/residents/${encodeURIComponent(id)}`).then(
      (loaded) => {
        setDetail(loaded);
        setMode({ view: 'record' });
        if (options.focus === true) requestAnimationFrame(() => recordHeading.current?.focus());
      },
      (caught: unknown) => setError(messageOf(caught)),
    );
  }, []);
  useEffect(() => {
    if (initialResidentId !== undefined) open(initialResidentId, { focus: true });
  }, [initialResidentId, open]);

  function search(event: FormEvent): void {
    event.preventDefault();
    const params = new URLSearchParams();
    if (code.trim() !== '') params.set('code', code.trim());
    if (name.trim() !== '') params.set('name', name.trim());
    if (birthDate !== '') params.set('birthDate', birthDate);
    if (address.trim() !== '') params.set('address', address.trim());
    if (includeClosed) params.set('includeClosed', 'true');
    setError(undefined);
    setDetail(undefined);
    getJson<{ residents: ResidentSummary[] }>(`/api/residents?${params.toString()}`).then(
      (answer) => setResults(answer.residents),
      (caught: unknown) => setError(messageOf(caught)),
    );
  }

  /** Back from a form or 証明書交付 to the record, read again since a 届出 may have been entered. */
  function backToRecord(): void {
    if (detail !== undefined) open(detail.resident.id, { focus: true });
  }

  return (
    <Screen title="住民検索">
      <form onSubmit={search} className="form">
        <label>
          氏名
          <input value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          生年月日
          <input type="date" value={birthDate} onChange={(event) => setBirthDate(event.target.value)} />
        </label>
        <label>
          住民票コード
          <input
            value={code}
            inputMode="numeric"
            maxLength={11}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        <label>
          住所
          <input value={address} onChange={(event) => setAddress(event.target.value)} />
        </label>
        <label>
          <input
            type="checkbox"
            checked={includeClosed}
            onChange={(event) => setIncludeClosed(event.target.checked)}
          />
          除票を含む
        </label>
        <button type="submit">検索</button>
      </form>
      <ErrorAlert message={error} />
      {results !== undefined &&
        (results.length === 0 ? (
          <p role="status">該当する住民はいません</p>
        ) : (
          <table>
            <caption>検索結果（{results.length}件）</caption>
            <thead>
              <tr>
                <th scope="col">氏名</th>
                <th scope="col">生年月日</th>
                <th scope="col">性別</th>
                <th scope="col">住所</th>
                <th scope="col">状態</th>
              </tr>
            </thead>
            <tbody>
              {results.map((resident) => (
                <tr key={resident.id}>
                  <td>
                    <button type="button" className="link" onClick={() => open(resident.id, { focus: true })}>
                      {resident.name}
                    </button>
                  </td>
                  <td>{resident.birthDate}</td>
                  <td>{SEX_LABELS[resident.sex] ?? resident.sex}</td>
                  <td>{resident.address}</td>
                  <td>{resident.closed ? '除票' : '現存'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {detail !== undefined && mode.view === 'record' && (
        <ResidentView detail={detail} operator={operator} headingRef={recordHeading} onMode={setMode} />
      )}
      {detail !== undefined && mode.view === 'form' && (
        <NotificationForm
          kind={mode.kind}
          subject={
            mode.joinHousehold === true && detail.household !== null
              ? { joinHousehold: detail.household }
              : {
                  resident: detail.resident,
                  ...(detail.household === null ? {} : { household: detail.household }),
                }
          }
          operator={operator}
          backLabel="住民票照会に戻る"
          onBack={backToRecord}
        />
      )}
      {detail !== undefined && mode.view === 'certificate' && (
        <CertificateScreen detail={detail} onBack={backToRecord} />
      )}
    </Screen>
  );
}

/** 住民票照会: one record, its household's current members and its actions, and the 届出 that start from it. */
function ResidentView({
  detail,
  operator,
  headingRef,
  onMode,
}: {
  detail: ResidentDetail;
  operator: OperatorView;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onMode: (mode: Mode) => void;
}) {
  const { resident, household, history } = detail;
  const actions = resident.closed ? [] : RECORD_ACTIONS.filter((kind) => mayEnter(operator, kind));
  const mayIssue = operator.rights['certificate-issue'].includes('execute');
  const mayReadCards = operator.rights['card-issue'].includes('read');
  return (
    <section aria-labelledby="resident-heading">
      <h2 id="resident-heading" tabIndex={-1} ref={headingRef}>
        住民票照会{resident.closed ? '（除票）' : ''}
      </h2>
      {(actions.length > 0 || mayIssue) && (
        <div className="actions wrap" role="group" aria-label="この住民票について">
          {actions.map((kind) => (
            <button key={kind} type="button" onClick={() => onMode({ view: 'form', kind })}>
              {ACTION_BUTTON_LABELS[kind] ?? notificationKindLabel[kind]}
            </button>
          ))}
          {!resident.closed && household !== null && mayEnter(operator, 'birth') && (
            <button
              type="button"
              onClick={() => onMode({ view: 'form', kind: 'birth', joinHousehold: true })}
            >
              この世帯に出生届
            </button>
          )}
          {mayIssue && (
            <button type="button" onClick={() => onMode({ view: 'certificate' })}>
              証明書交付
            </button>
          )}
        </div>
      )}
      <dl className="facts" data-testid="resident-record">
        <dt>氏名</dt>
        <dd>{resident.name}</dd>
        {resident.nameKana !== undefined && (
          <>
            <dt>フリガナ</dt>
            <dd>{resident.nameKana}</dd>
          </>
        )}
        {resident.commonName !== undefined && (
          <>
            <dt>通称</dt>
            <dd>{resident.commonName}</dd>
          </>
        )}
        <dt>生年月日</dt>
        <dd>{resident.birthDate}</dd>
        <dt>性別</dt>
        <dd>{SEX_LABELS[resident.sex] ?? resident.sex}</dd>
        <dt>住所</dt>
        <dd>{resident.address}</dd>
        {resident.previousAddress !== undefined && (
          <>
            <dt>従前の住所</dt>
            <dd>{resident.previousAddress}</dd>
          </>
        )}
        <dt>住民票コード</dt>
        <dd>{resident.residentCode}</dd>
        {household !== null && (
          <>
            <dt>世帯番号</dt>
            <dd data-testid="household-id">{household.id}</dd>
          </>
        )}
        {resident.relationship !== undefined && (
          <>
            <dt>続柄</dt>
            <dd>{resident.relationship}</dd>
          </>
        )}
        {resident.domicile !== undefined && (
          <>
            <dt>本籍</dt>
            <dd>{resident.domicile.place}</dd>
            <dt>筆頭者</dt>
            <dd>{resident.domicile.head}</dd>
          </>
        )}
        {resident.foreign !== undefined && <ForeignItems foreign={resident.foreign} />}
        <dt>住民となった年月日</dt>
        <dd>{resident.residentSince}</dd>
        {resident.plannedMoveOut !== undefined && !resident.closed && (
          <>
            <dt>特例転出予定</dt>
            <dd data-testid="planned-move-out">
              {warekiOf(resident.plannedMoveOut.plannedDate)}{' '}
              {localGovernmentName(resident.plannedMoveOut.destination.lgCode)}へ（
              {resident.plannedMoveOut.destination.address}）
            </dd>
          </>
        )}
        {resident.closure !== undefined && (
          <>
            <dt>消除</dt>
            <dd>
              {resident.closure.date} {ACTION_LABELS[resident.closure.reason] ?? resident.closure.reason}
              {resident.closure.destination === undefined ? '' : `（${resident.closure.destination}）`}
            </dd>
          </>
        )}
      </dl>
      {household !== null && household.members.length > 0 && (
        <table>
          <caption>世帯員</caption>
          <thead>
            <tr>
              <th scope="col">氏名</th>
              <th scope="col">続柄</th>
              <th scope="col">生年月日</th>
            </tr>
          </thead>
          <tbody>
            {household.members.map((member) => (
              <tr key={member.id}>
                <td>{member.name}</td>
                <td>{member.relationship ?? ''}</td>
                <td>{member.birthDate}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table>
        <caption>異動履歴</caption>
        <thead>
          <tr>
            <th scope="col">番号</th>
            <th scope="col">異動</th>
            <th scope="col">異動日</th>
            <th scope="col">届出日</th>
          </tr>
        </thead>
        <tbody>
          {history.map((action) => (
            <tr key={action.seq}>
              <td className="number">{action.seq}</td>
              <td>{ACTION_LABELS[action.payload.kind] ?? action.payload.kind}</td>
              <td>{action.effectiveOn}</td>
              <td>{action.filedOn}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayReadCards && <CardIssuancePanel resident={resident} operator={operator} />}
    </section>
  );
}

/** 外国人住民の記載事項 (住民基本台帳法第30条の45), those the record has. */
function ForeignItems({ foreign }: { foreign: NonNullable<ResidentDetail['resident']['foreign']> }) {
  const items: [string, string | undefined][] = [
    ['国籍・地域', foreign.nationality],
    ['区分', FOREIGN_CATEGORY_LABELS[foreign.category] ?? foreign.category],
    ['在留資格', foreign.residenceStatus],
    ['在留期間', foreign.periodOfStay],
    ['在留期間の満了の日', foreign.periodExpiresOn],
    ['在留カード等の番号', foreign.residenceCardNumber],
  ];
  return (
    <>
      {items
        .filter((item): item is [string, string] => item[1] !== undefined)
        .map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
    </>
  );
}
