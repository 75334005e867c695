// 住民検索 and 住民票照会 (municipal terminal): search by name (with the birth date), 住民票コード or address, then
// open a record with its household and its 異動 (docs/operators.md, "The terminal's API").

import { useState, type FormEvent } from 'react';
import { ApiError, getJson } from './api.js';
import { ErrorAlert, Screen } from './screen.js';

/** A search result as GET /api/residents lists it. */
interface ResidentSummary {
  readonly id: string;
  readonly residentCode: string;
  readonly name: string;
  readonly nameKana?: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly address: string;
  readonly relationship?: string;
  readonly closed: boolean;
}

/** GET /api/residents/:id: the record, its household and its actions. */
interface ResidentDetail {
  readonly resident: ResidentSummary & {
    readonly domicile?: { readonly place: string; readonly head: string };
    readonly residentSince: string;
    readonly closure?: { readonly reason: string; readonly date: string; readonly destination?: string };
  };
  readonly household: { readonly address: string; readonly members: readonly ResidentSummary[] } | null;
  readonly history: readonly {
    readonly seq: number;
    readonly effectiveOn: string;
    readonly filedOn: string;
    readonly payload: { readonly kind: string };
  }[];
}

const SEX_LABELS: Readonly<Record<string, string>> = { male: '男', female: '女' };
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
};

function messageOf(caught: unknown): string {
  return caught instanceof ApiError ? caught.message : '住民情報を取得できません';
}

export function ResidentScreen() {
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [code, setCode] = useState('');
  const [address, setAddress] = useState('');
  const [includeClosed, setIncludeClosed] = useState(false);
  const [results, setResults] = useState<readonly ResidentSummary[] | undefined>();
  const [detail, setDetail] = useState<ResidentDetail | undefined>();
  const [error, setError] = useState<string | undefined>();

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

  function open(id: string): void {
    setError(undefined);
    getJson<ResidentDetail>(`/api/residents/${encodeURIComponent(id)}`).then(setDetail, (caught: unknown) =>
      setError(messageOf(caught)),
    );
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
                    <button type="button" className="link" onClick={() => open(resident.id)}>
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
      {detail !== undefined && <ResidentView detail={detail} />}
    </Screen>
  );
}

/** 住民票照会: one record, its household's current members and its actions. */
function ResidentView({ detail }: { detail: ResidentDetail }) {
  const { resident, household, history } = detail;
  return (
    <section aria-labelledby="resident-heading">
      <h2 id="resident-heading">住民票照会{resident.closed ? '（除票）' : ''}</h2>
      <dl className="facts" data-testid="resident-record">
        <dt>氏名</dt>
        <dd>{resident.name}</dd>
        {resident.nameKana !== undefined && (
          <>
            <dt>フリガナ</dt>
            <dd>{resident.nameKana}</dd>
          </>
        )}
        <dt>生年月日</dt>
        <dd>{resident.birthDate}</dd>
        <dt>性別</dt>
        <dd>{SEX_LABELS[resident.sex] ?? resident.sex}</dd>
        <dt>住所</dt>
        <dd>{resident.address}</dd>
        <dt>住民票コード</dt>
        <dd>{resident.residentCode}</dd>
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
        <dt>住民となった年月日</dt>
        <dd>{resident.residentSince}</dd>
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
    </section>
  );
}
