// システム状態: the node's name and role, its state and its delivery queues, refreshed while open.

import { useEffect, useState } from 'react';
import { ApiError, getJson, type NodeStatus } from './api.js';
import { formatTime } from './screen.js';

export const ROLE_NAMES: Readonly<Record<NodeStatus['role'], string>> = {
  national: '全国サーバ',
  prefecture: '都道府県サーバ',
  municipality: '市町村CS',
  agency: '国の機関等',
};

const QUEUE_STATES: Readonly<Record<string, string>> = {
  idle: '待機',
  sending: '送信中',
  backoff: '再送待ち',
  blocked: '停止（拒否あり）',
};

const REFRESH_MS = 5_000;

/** Loads /api/status now and every REFRESH_MS while mounted. */
export function useNodeStatus(): { status?: NodeStatus; error?: string } {
  const [state, setState] = useState<{ status?: NodeStatus; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const status = await getJson<NodeStatus>('/api/status', controller.signal);
        setState({ status });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          ...previous,
          error: error instanceof ApiError ? error.message : '状態を取得できません',
        }));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);
  return state;
}

export function StatusView({ status }: { status: NodeStatus }) {
  const peers = Object.entries(status.queue).sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <section aria-labelledby="status-heading">
      <h1 id="status-heading" tabIndex={-1}>
        {status.name}
      </h1>
      <dl className="facts">
        <dt>ノード名</dt>
        <dd>{status.nodeId}</dd>
        <dt>役割</dt>
        <dd>{ROLE_NAMES[status.role]}</dd>
        <dt>状態</dt>
        <dd data-testid="node-state">{status.ready ? '稼働中' : '起動中'}</dd>
        <dt>最終ディレクトリ更新</dt>
        <dd>{status.directoryIssuedAt === '' ? '未取得' : formatTime(status.directoryIssuedAt)}</dd>
      </dl>
      <h2>送信待ち件数</h2>
      {peers.length === 0 ? (
        <p>送信先なし</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">送信先</th>
              <th scope="col">件数</th>
              <th scope="col">状態</th>
            </tr>
          </thead>
          <tbody>
            {peers.map(([peer, stats]) => (
              <tr key={peer}>
                <td>{peer}</td>
                <td className="number">{stats.queued.toLocaleString('ja-JP')}</td>
                <td>{QUEUE_STATES[stats.state] ?? stats.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
