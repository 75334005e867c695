// 操作者管理 (administrators): the operators, enrolling one with a role and an initial password, registering a
// security key for them at this terminal, and disabling or enabling them.

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { OPERATOR_ROLES, operatorRoleLabel, type OperatorRole } from '../../domain/index.js';
import { ApiError, getJson, postJson, type OperatorView } from './api.js';
import { ErrorAlert, Screen, StatusMessage } from './screen.js';
import { createCredential, keyErrorMessage, type CreationOptionsJSON } from './webauthn.js';

export function OperatorsScreen({ self }: { self: OperatorView }) {
  const [operators, setOperators] = useState<readonly OperatorView[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState({
    loginName: '',
    displayName: '',
    role: 'counter-clerk' as OperatorRole,
    password: '',
  });

  const reload = useCallback(async () => {
    const answer = await getJson<{ operators: OperatorView[] }>('/api/operators');
    setOperators(answer.operators);
  }, []);
  useEffect(() => {
    reload().catch((caught: unknown) => setError(messageOf(caught)));
  }, [reload]);

  async function run(work: () => Promise<string>): Promise<void> {
    setError(undefined);
    setProgress(undefined);
    setBusy(true);
    try {
      setProgress(await work());
      await reload();
    } catch (caught) {
      setProgress(undefined);
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  function enrol(event: FormEvent): void {
    event.preventDefault();
    void run(async () => {
      const { operator } = await postJson<{ operator: OperatorView }>('/api/operators', {
        ...form,
        loginName: form.loginName.trim(),
      });
      setForm({ loginName: '', displayName: '', role: form.role, password: '' });
      return `${operator.displayName}（${operator.loginName}）を登録しました。続けてセキュリティキーを登録してください`;
    });
  }

  function enrolKey(operator: OperatorView): void {
    void run(async () => {
      const enrolment = await postJson<{ enrolmentId: string; options: CreationOptionsJSON }>(
        `/api/operators/${encodeURIComponent(operator.id)}/keys/begin`,
      );
      setProgress(`${operator.displayName} のセキュリティキーをタッチしてください`);
      const response = await createCredential(enrolment.options);
      await postJson(`/api/operators/${encodeURIComponent(operator.id)}/keys/complete`, {
        enrolmentId: enrolment.enrolmentId,
        response,
      });
      return `${operator.displayName} のセキュリティキーを登録しました`;
    });
  }

  function setDisabled(operator: OperatorView, disabled: boolean): void {
    void run(async () => {
      await postJson(`/api/operators/${encodeURIComponent(operator.id)}/${disabled ? 'disable' : 'enable'}`);
      return `${operator.displayName} を${disabled ? '利用停止' : '利用再開'}しました`;
    });
  }

  return (
    <Screen title="操作者管理">
      <StatusMessage message={progress} />
      <ErrorAlert message={error} />
      <h2>操作者一覧</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">ログイン名</th>
            <th scope="col">氏名</th>
            <th scope="col">役割</th>
            <th scope="col">状態</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {operators.map((operator) => (
            <tr key={operator.id}>
              <td>{operator.loginName}</td>
              <td>{operator.displayName}</td>
              <td>{operatorRoleLabel[operator.role]}</td>
              <td>{operator.disabled ? '利用停止' : '利用中'}</td>
              <td>
                {operator.id !== self.id && (
                  <div className="actions">
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => enrolKey(operator)}
                      aria-label={`${operator.displayName} のセキュリティキー登録`}
                    >
                      セキュリティキー登録
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => setDisabled(operator, !operator.disabled)}
                      aria-label={`${operator.displayName} を${operator.disabled ? '利用再開' : '利用停止'}`}
                    >
                      {operator.disabled ? '利用再開' : '利用停止'}
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="enrol-heading">操作者の登録</h2>
      <form className="form" aria-labelledby="enrol-heading" onSubmit={enrol}>
        <label htmlFor="enrol-login">ログイン名</label>
        <input
          id="enrol-login"
          value={form.loginName}
          onChange={(event) => setForm({ ...form, loginName: event.target.value })}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          aria-describedby="enrol-login-help"
        />
        <small id="enrol-login-help">英小文字で始まる3〜32文字（英小文字・数字・「.」「_」「-」）</small>
        <label htmlFor="enrol-name">氏名（表示名）</label>
        <input
          id="enrol-name"
          value={form.displayName}
          onChange={(event) => setForm({ ...form, displayName: event.target.value })}
          required
          autoComplete="off"
        />
        <label htmlFor="enrol-role">役割</label>
        <select
          id="enrol-role"
          value={form.role}
          onChange={(event) => setForm({ ...form, role: event.target.value as OperatorRole })}
        >
          {OPERATOR_ROLES.map((role) => (
            <option key={role} value={role}>
              {operatorRoleLabel[role]}
            </option>
          ))}
        </select>
        <label htmlFor="enrol-password">初期パスワード</label>
        <input
          id="enrol-password"
          type="password"
          value={form.password}
          onChange={(event) => setForm({ ...form, password: event.target.value })}
          required
          autoComplete="new-password"
          aria-describedby="enrol-password-help"
        />
        <small id="enrol-password-help">12文字以上。ログイン名を含まないもの</small>
        <button type="submit" disabled={busy}>
          登録
        </button>
      </form>
    </Screen>
  );
}

function messageOf(caught: unknown): string {
  return caught instanceof ApiError ? caught.message : (keyErrorMessage(caught) ?? '処理できませんでした');
}
