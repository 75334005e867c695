// One 届出 as the API shows it: its kind and state, who entered and decided it, and what was entered, item by item
// in Japanese; a 特例転入届 with the 転出証明書情報 it names; after 決裁, the records it produced or changed.

import { useEffect, useState } from 'react';
import { getJson } from './api.js';
import { localGovernmentName } from './card-views.js';
import {
  notificationStatusLabel,
  REQUEST_FIELD_LABELS,
  type NotificationKind,
  type NotificationView,
  type ResidentSummary,
} from './notification-kinds.js';
import { OutInfoSummary, type OutInfoView } from './out-info-view.js';
import { formatTime } from './screen.js';

const VALUE_LABELS: Readonly<Record<string, string>> = {
  male: '男',
  female: '女',
  'mid-to-long-term': '中長期在留者',
  'special-permanent': '特別永住者',
  'temporary-refuge': '一時庇護許可者',
  'provisional-stay': '仮滞在許可者',
  'transitional-stay': '経過滞在者',
};
const NESTED_LABELS: Readonly<Record<string, string>> = {
  join: '既存の世帯に入る',
  create: '新しい世帯',
  place: '本籍',
  head: '筆頭者',
  nationality: '国籍・地域',
  category: '区分',
  residenceStatus: '在留資格',
  periodOfStay: '在留期間',
  periodExpiresOn: '満了日',
  residenceCardNumber: '在留カード等の番号',
  since: '資格取得日',
  number: '番号',
  electoralRoll: '選挙人名簿',
  nationalHealthInsurance: '国民健康保険',
  lateStageMedicalCare: '後期高齢者医療',
  longTermCare: '介護保険',
  nationalPension: '国民年金',
  childAllowance: '児童手当',
  ...REQUEST_FIELD_LABELS,
};

/** A request value in words: nested objects as 「項目: 値」 lists. */
export function describeValue(value: unknown): string {
  if (value === null) return '（削除）';
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'string') return VALUE_LABELS[value] ?? value;
  if (Array.isArray(value)) return value.map(describeValue).join('、');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${NESTED_LABELS[key] ?? key}: ${describeValue(inner)}`)
      .join('、');
  }
  return typeof value === 'number' ? String(value) : '';
}

/** The label of a request's item, where a kind uses the field in its own sense. */
function labelOf(kind: NotificationKind, key: string): string {
  if (key === 'date' && kind === 'death') return '死亡日';
  if (key === 'date' && kind === 'special-move-in') return '転入日（異動日）';
  if (key === 'members' && kind === 'special-move-out') return '同時に転出する世帯員';
  if (key === 'relationship' && kind === 'special-move-in') return '本人の続柄';
  if (key === 'relationships' && kind === 'special-move-in') return '世帯員の続柄';
  return REQUEST_FIELD_LABELS[key] ?? key;
}

/**
 * The request's items that name residents by id (newHead, members, the keys of relationships; a 特例転入届's by
 * resident code), by name; a 付記転出届's 転出先 by its municipality's name.
 */
function describeItem(key: string, value: unknown, names: ReadonlyMap<string, string>): string {
  const nameOf = (id: unknown): string =>
    typeof id === 'string' ? (names.get(id) ?? id) : describeValue(id);
  if (key === 'destination' && typeof value === 'object' && value !== null) {
    const { lgCode, address } = value as { lgCode?: unknown; address?: unknown };
    if (typeof lgCode === 'string' && typeof address === 'string') {
      return `${localGovernmentName(lgCode)}（${lgCode}） ${address}`;
    }
  }
  if (key === 'newHead') return nameOf(value);
  if (key === 'members' && Array.isArray(value)) return value.map(nameOf).join('、');
  if (key === 'relationships' && typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>)
      .map(([id, relationship]) => `${nameOf(id)}: ${describeValue(relationship)}`)
      .join('、');
  }
  return describeValue(value);
}

export function NotificationDetails({
  notification,
  names = new Map(),
  onOpenResident,
}: {
  notification: NotificationView;
  /** Residents' names by id, for the items that name them by id; an id without a name shows as it is. */
  names?: ReadonlyMap<string, string>;
  onOpenResident?: (id: string) => void;
}) {
  const outInfo = useOutInfo(notification);
  const known = new Map([
    ...names,
    ...(outInfo?.persons.map((person) => [person.residentCode, person.name] as const) ?? []),
  ]);
  return (
    <>
      <dl className="facts" data-testid="notification-details">
        <dt>届出</dt>
        <dd>{notification.label}</dd>
        <dt>状態</dt>
        <dd data-testid="notification-status">
          {notificationStatusLabel[notification.status]}
          {notification.late ? '（期間経過）' : ''}
        </dd>
        <dt>受付</dt>
        <dd>
          {formatTime(notification.enteredAt)} {notification.enteredBy.displayName}
        </dd>
        {notification.decidedBy !== null && (
          <>
            <dt>{notification.status === 'rejected' ? '却下' : '決裁'}</dt>
            <dd>
              {notification.decidedAt === null ? '' : formatTime(notification.decidedAt)}{' '}
              {notification.decidedBy.displayName}
            </dd>
          </>
        )}
        {notification.reason !== null && (
          <>
            <dt>却下の理由</dt>
            <dd>{notification.reason}</dd>
          </>
        )}
        {Object.entries(notification.request).map(([key, value]) => (
          <Item
            key={key}
            label={labelOf(notification.kind, key)}
            value={
              key === 'outInfoId' && outInfo !== undefined
                ? `${localGovernmentName(outInfo.sourceLgCode)}から受信（${formatTime(outInfo.receivedAt)}）`
                : describeItem(key, value, known)
            }
          />
        ))}
      </dl>
      {outInfo !== undefined && (
        <section aria-labelledby="out-info-heading">
          <h3 id="out-info-heading">転出証明書情報</h3>
          <OutInfoSummary outInfo={outInfo} />
        </section>
      )}
      {notification.results.length > 0 && (
        <ResultTable results={notification.results} {...(onOpenResident ? { onOpenResident } : {})} />
      )}
    </>
  );
}

/** The 転出証明書情報 a 特例転入届 names, read from this node; undefined for other kinds or while it loads. */
function useOutInfo(notification: NotificationView): OutInfoView | undefined {
  const id = notification.kind === 'special-move-in' ? notification.request['outInfoId'] : undefined;
  const [outInfo, setOutInfo] = useState<OutInfoView | undefined>();
  useEffect(() => {
    if (typeof id !== 'string') return;
    let current = true;
    getJson<{ outInfo: OutInfoView }>(`/api/special-move/out-info/${encodeURIComponent(id)}`).then(
      (answer) => {
        if (current) setOutInfo(answer.outInfo);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [id]);
  return typeof id === 'string' && outInfo?.id === id ? outInfo : undefined;
}

function Item({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function ResultTable({
  results,
  onOpenResident,
}: {
  results: readonly ResidentSummary[];
  onOpenResident?: (id: string) => void;
}) {
  return (
    <table data-testid="notification-results">
      <caption>記録された住民票</caption>
      <thead>
        <tr>
          <th scope="col">氏名</th>
          <th scope="col">住民票コード</th>
          <th scope="col">生年月日</th>
          <th scope="col">住所</th>
          <th scope="col">状態</th>
        </tr>
      </thead>
      <tbody>
        {results.map((resident) => (
          <tr key={resident.id}>
            <td>
              {onOpenResident === undefined ? (
                resident.name
              ) : (
                <a
                  href={`/residents?id=${encodeURIComponent(resident.id)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenResident(resident.id);
                  }}
                >
                  {resident.name}
                </a>
              )}
            </td>
            <td>{resident.residentCode}</td>
            <td>{resident.birthDate}</td>
            <td>{resident.address}</td>
            <td>{resident.closed ? '除票' : '現存'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
