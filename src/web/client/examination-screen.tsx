// 審査 (examiner): the 届出 waiting for a decision, one 届出 in detail, 決裁 (confirm: the register records it) and
// 却下 (reject with a reason); after 決裁, the records it produced with a link to each. Buttons follow the session's
// rights (notification / official-action execute); nobody confirms their own entry, but may withdraw it by 却下.

import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError, getJson, postJson, type OperatorView } from './api.js';
import { NotificationDetails } from './notification-details.js';
import {
  mayDecide,
  notificationStatusLabel,
  subjectOf,
  type NotificationStatus,
  type NotificationView,
  type ResidentDetail,
} from './notification-kinds.js';
import { ErrorAlert, Screen, StatusMessage, formatTime } from './screen.js';

const STATUS_TABS: readonly NotificationStatus[] = ['pending', 'applied', 'rejected'];

function messageOf(caught: unknown): string {
  return caught instanceof ApiError ? caught.message : '処理できませんでした';
}

export function ExaminationScreen({
  operator,
  onOpenResident,
}: {
  operator: OperatorView;
  onOpenResident: (id: string) => void;
}) {
  const [status, setStatus] = useState<NotificationStatus>('pending');
  const [list, setList] = useState<readonly NotificationView[] | undefined>();
  const [chosen, setChosen] = useState<NotificationView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();

  const reload = useCallback(async (which: NotificationStatus) => {
    const answer = await getJson<{ notifications: NotificationView[] }>(`/api/notifications?status=${which}`);
    setList(answer.notifications);
  }, []);
  useEffect(() => {
    setList(undefined);
    reload(status).catch((caught: unknown) => setError(messageOf(caught)));
  }, [reload, status]);

  function open(notification: NotificationView): void {
    setError(undefined);
    setProgress(undefined);
    getJson<{ notification: NotificationView }>(
      `/api/notifications/${encodeURIComponent(notification.id)}`,
    ).then(
      (answer) => setChosen(answer.notification),
      (caught: unknown) => setError(messageOf(caught)),
    );
  }

  return (
    <Screen title="審査">
      <StatusMessage message={progress} />
      <ErrorAlert message={error} />
      {chosen === undefined ? (
        <>
          <div className="actions" role="group" aria-label="表示する届出">
            {STATUS_TABS.map((tab) => (
              <button key={tab} type="button" aria-pressed={status === tab} onClick={() => setStatus(tab)}>
                {notificationStatusLabel[tab]}
              </button>
            ))}
          </div>
          {list === undefined ? (
            error === undefined && <p aria-busy="true">読み込み中…</p>
          ) : list.length === 0 ? (
            <p>{notificationStatusLabel[status]}の届出はありません</p>
          ) : (
            <table data-testid="notification-list">
              <caption>
                {notificationStatusLabel[status]}の届出（{list.length}件、新しい順）
              </caption>
              <thead>
                <tr>
                  <th scope="col">届出</th>
                  <th scope="col">対象</th>
                  <th scope="col">受付日時</th>
                  <th scope="col">受付者</th>
                  <th scope="col">期間経過</th>
                </tr>
              </thead>
              <tbody>
                {list.map((notification) => (
                  <tr key={notification.id}>
                    <td>
                      <button type="button" className="link" onClick={() => open(notification)}>
                        {notification.label}
                      </button>
                    </td>
                    <td>{subjectLine(notification)}</td>
                    <td>{formatTime(notification.enteredAt)}</td>
                    <td>{notification.enteredBy.displayName}</td>
                    <td>{notification.late ? '期間経過' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <Decision
          notification={chosen}
          operator={operator}
          onDecided={(decided, message) => {
            setChosen(decided);
            setProgress(message);
            setError(undefined);
            reload(status).catch(() => undefined);
          }}
          onError={(message) => {
            setProgress(undefined);
            setError(message);
          }}
          onBack={() => {
            setChosen(undefined);
            setProgress(undefined);
            setError(undefined);
          }}
          onOpenResident={onOpenResident}
        />
      )}
    </Screen>
  );
}

/**
 * Who a notification is about: the new record's name, the record it acts on (by its name now), or the household by
 * its head and number.
 */
function subjectLine(notification: NotificationView): string {
  const name = notification.request['name'];
  const { subject } = notification;
  switch (subjectOf(notification.kind)) {
    case 'none':
      // A 特例転入届's persons come from the 転出証明書情報: named here once its records exist.
      if (typeof name === 'string') return name;
      return (
        notification.results[0]?.name ??
        (notification.kind === 'special-move-in' ? '（転出証明書情報による）' : '')
      );
    case 'household':
      return `${subject === null ? '' : `${subject.name}の世帯 `}世帯番号 ${notification.householdId ?? ''}`;
    case 'resident':
      return subject?.name ?? notification.results[0]?.name ?? '';
  }
}

/** A member a 世帯 change names (its new head, the first who splits off, one whose 続柄 it sets), to read the household. */
function memberNamedIn(notification: NotificationView): string | undefined {
  const { newHead, members, relationships } = notification.request;
  if (typeof newHead === 'string') return newHead;
  if (Array.isArray(members) && typeof members[0] === 'string') return members[0];
  if (typeof relationships === 'object' && relationships !== null) return Object.keys(relationships)[0];
  return undefined;
}

/** One 届出 with 決裁 and 却下 for an operator who may decide it. */
function Decision(props: {
  notification: NotificationView;
  operator: OperatorView;
  onDecided: (notification: NotificationView, message: string) => void;
  onError: (message: string) => void;
  onBack: () => void;
  onOpenResident: (id: string) => void;
}) {
  const { notification, operator } = props;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  // The record a 届出 acts on, as the server names it with the notification (read again once decided).
  const subject = notification.residentId === null ? null : notification.subject;
  // A 世帯 change names members of its household; a record's 届出 may name members of the record's (a 付記転出届's
  // members moving along, the new head of those who stay).
  const namesMembers = ['newHead', 'members'].some((key) => notification.request[key] !== undefined);
  const lookupId =
    notification.householdId !== null
      ? memberNamedIn(notification)
      : namesMembers
        ? (notification.residentId ?? undefined)
        : undefined;
  const decided = notification.status;

  // The household's members, whom a 世帯 change names by id.
  useEffect(() => {
    if (lookupId === undefined) return;
    let current = true;
    getJson<ResidentDetail>(`/api/residents/${encodeURIComponent(lookupId)}`).then(
      (detail) => {
        if (!current) return;
        const members = [detail.resident, ...(detail.household?.members ?? [])];
        setNames(new Map(members.map((member) => [member.id, member.name])));
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [lookupId, decided]);
  const decidable = notification.status === 'pending' && mayDecide(operator, notification.kind);
  const ownEntry = notification.enteredBy.id === operator.id;

  function decide(path: 'confirm' | 'reject', body: unknown, message: string): void {
    setBusy(true);
    postJson<{ notification: NotificationView }>(
      `/api/notifications/${encodeURIComponent(notification.id)}/${path}`,
      body,
    )
      .then(
        (answer) => props.onDecided(answer.notification, message),
        (caught: unknown) => props.onError(messageOf(caught)),
      )
      .finally(() => setBusy(false));
  }

  function reject(event: FormEvent): void {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed === '' || [...trimmed].length > 200) {
      setReasonError(trimmed === '' ? '却下の理由を入力してください' : '200文字以内で入力してください');
      return;
    }
    setReasonError(undefined);
    decide('reject', { reason: trimmed }, `${notification.label}を却下しました`);
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onBack();
    }
  }

  return (
    <section aria-labelledby="decision-heading" onKeyDown={onKeyDown}>
      <h2 id="decision-heading">{notification.label}の審査</h2>
      {subject !== null && (
        <p data-testid="decision-subject">
          対象:{' '}
          <a
            href={`/residents?id=${encodeURIComponent(subject.id)}`}
            onClick={(event) => {
              event.preventDefault();
              props.onOpenResident(subject.id);
            }}
          >
            {subject.name}
          </a>
          （住民票コード {subject.residentCode}、{subject.birthDate}生、{subject.address}）
        </p>
      )}
      {notification.householdId !== null && (
        <p data-testid="decision-subject">
          対象の世帯: 世帯番号 {notification.householdId}
          {notification.subject !== null && `（世帯主 ${notification.subject.name}）`}
        </p>
      )}
      <NotificationDetails notification={notification} names={names} onOpenResident={props.onOpenResident} />
      {decidable && ownEntry && (
        <p className="warning">自分が受け付けた届出は決裁できません（却下による取下げはできます）</p>
      )}
      {decidable && (
        <>
          {!ownEntry && (
            <div className="actions">
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  decide('confirm', {}, `${notification.label}を決裁しました。住民票に記録しました`)
                }
              >
                決裁
              </button>
            </div>
          )}
          <form className="form" onSubmit={reject} noValidate aria-label="却下">
            <label htmlFor="reject-reason">却下の理由</label>
            <input
              id="reject-reason"
              value={reason}
              maxLength={200}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={reasonError === undefined ? undefined : true}
              aria-describedby={reasonError === undefined ? undefined : 'reject-reason-error'}
            />
            {reasonError !== undefined && (
              <span id="reject-reason-error" role="alert" className="field-error">
                {reasonError}
              </span>
            )}
            <button type="submit" disabled={busy}>
              却下
            </button>
          </form>
        </>
      )}
      <div className="actions">
        <button type="button" onClick={props.onBack}>
          一覧に戻る
        </button>
      </div>
    </section>
  );
}
