// 自己操作履歴: the operator's own operation log, newest first.

import { useEffect, useState } from 'react';
import { ApiError, getJson, type OperationView } from './api.js';
import { ACCESS_LABELS, ErrorAlert, OUTCOME_LABELS, Screen, formatTime, functionLabel } from './screen.js';

export function OwnLogScreen() {
  const [records, setRecords] = useState<readonly OperationView[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    getJson<{ records: OperationView[] }>('/api/log/mine').then(
      (answer) => setRecords([...answer.records].reverse()),
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : '履歴を取得できません'),
    );
  }, []);
  return (
    <Screen title="自己操作履歴">
      <ErrorAlert message={error} />
      {records === undefined ? (
        error === undefined && <p aria-busy="true">読み込み中…</p>
      ) : records.length === 0 ? (
        <p>履歴はありません</p>
      ) : (
        <table>
          <caption>新しい順</caption>
          <thead>
            <tr>
              <th scope="col">番号</th>
              <th scope="col">日時</th>
              <th scope="col">機能</th>
              <th scope="col">区分</th>
              <th scope="col">結果</th>
              <th scope="col">エラー</th>
            </tr>
          </thead>
          <tbody>
            {records.map((record) => (
              <tr key={record.seq}>
                <td className="number">{record.seq}</td>
                <td>{formatTime(record.at)}</td>
                <td>{functionLabel(record.function)}</td>
                <td>{ACCESS_LABELS[record.access] ?? record.access}</td>
                <td>{OUTCOME_LABELS[record.outcome] ?? record.outcome}</td>
                <td>{record.errorCode ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Screen>
  );
}
