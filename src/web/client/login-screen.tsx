// ログイン: the login name and password, then the security key (the operator IC card) with the server's challenge.

import { useState, type FormEvent } from 'react';
import { ApiError, postJson, type SessionView } from './api.js';
import { ErrorAlert, Screen, StatusMessage } from './screen.js';
import { getAssertion, keyErrorMessage, type RequestOptionsJSON } from './webauthn.js';

export function LoginScreen({
  notice,
  onLoggedIn,
}: {
  notice: string | undefined;
  onLoggedIn: (session: SessionView) => void;
}) {
  const [loginName, setLoginName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [noticeShown, setNoticeShown] = useState(true);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setNoticeShown(false);
    setError(undefined);
    setBusy(true);
    try {
      setProgress('確認しています…');
      const pending = await postJson<{ loginId: string; options: RequestOptionsJSON }>(
        '/api/login/password',
        { loginName: loginName.trim(), password },
      );
      setProgress('セキュリティキーをタッチしてください');
      const response = await getAssertion(pending.options);
      const session = await postJson<SessionView>('/api/login/key', { loginId: pending.loginId, response });
      setPassword('');
      onLoggedIn(session);
    } catch (caught) {
      setProgress(undefined);
      setError(
        caught instanceof ApiError ? caught.message : (keyErrorMessage(caught) ?? 'ログインできませんでした'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="ログイン">
      {notice !== undefined && noticeShown && (
        <p role="alert" className="notice">
          {notice}
        </p>
      )}
      <p id="login-help">
        ログイン名とパスワードを入力し、続けてセキュリティキー（操作者カード）をタッチします。
      </p>
      <form className="form" onSubmit={(event) => void submit(event)} aria-describedby="login-help">
        <label htmlFor="login-name">ログイン名</label>
        <input
          id="login-name"
          name="username"
          autoComplete="username"
          value={loginName}
          onChange={(event) => setLoginName(event.target.value)}
          required
          autoCapitalize="none"
          spellCheck={false}
        />
        <label htmlFor="login-password">パスワード</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          ログイン
        </button>
      </form>
      <StatusMessage message={progress} />
      <ErrorAlert message={error} />
    </Screen>
  );
}
