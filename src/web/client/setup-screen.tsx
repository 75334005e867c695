// 初期設定: registers the first administrator's security key with the one-time set-up code that
// `jukinet operator init` printed (the URL carries it after #, which the browser never sends to the server).

import { useState, type FormEvent } from 'react';
import { ApiError, postJson } from './api.js';
import { ErrorAlert, Screen, StatusMessage } from './screen.js';
import { createCredential, keyErrorMessage, type CreationOptionsJSON } from './webauthn.js';

export function SetupScreen({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState(() => decodeURIComponent(window.location.hash.replace(/^#/, '')));
  const [error, setError] = useState<string | undefined>();
  const [progress, setProgress] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const enrolment = await postJson<{ enrolmentId: string; options: CreationOptionsJSON }>(
        '/api/setup/begin',
        { code: code.trim() },
      );
      setProgress('セキュリティキーをタッチしてください');
      const response = await createCredential(enrolment.options);
      await postJson('/api/setup/complete', { enrolmentId: enrolment.enrolmentId, response });
      history.replaceState(null, '', '/setup');
      setProgress('管理者のセキュリティキーを登録しました。ログインしてください');
      setDone(true);
    } catch (caught) {
      setProgress(undefined);
      setError(
        caught instanceof ApiError ? caught.message : (keyErrorMessage(caught) ?? '登録できませんでした'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="初期設定">
      <p>
        最初のシステム管理者のセキュリティキーを登録します。<code>jukinet operator init</code>{' '}
        が表示した設定コードを入力してください。
      </p>
      {done ? (
        <button type="button" onClick={onDone}>
          ログイン画面へ
        </button>
      ) : (
        <form className="form" onSubmit={(event) => void submit(event)}>
          <label htmlFor="setup-code">設定コード</label>
          <input
            id="setup-code"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            required
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit" disabled={busy}>
            セキュリティキーを登録
          </button>
        </form>
      )}
      <StatusMessage message={progress} />
      <ErrorAlert message={error} />
    </Screen>
  );
}
