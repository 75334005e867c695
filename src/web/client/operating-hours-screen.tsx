// 運用時間: whether the common operating hours (共通運用時間帯) are open now and when they next open, on ホーム; and for a
// system administrator the exceptions arranged with other local governments, recorded and withdrawn
// (docs/operating-hours.md).

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { getJson, postJson } from './api.js';
import { japanInstantOf, parseLgCodes } from './card-checks.js';
import { cardMessageOf, localGovernmentName } from './card-views.js';
import { FieldGroup, SelectField, TextField } from './form-fields.js';
import { ErrorAlert, formatTime, Screen, StatusMessage } from './screen.js';

/** The services an exception to the operating hours opens (CrossService in operating-gate.ts). */
const crossServiceLabel = {
  'wide-area-copy': '広域交付',
  'special-move': '転入転出の特例',
  'identity-confirmation': '本人確認',
} as const;
type CrossService = keyof typeof crossServiceLabel;

/** An exception as GET /api/operating-hours lists it. */
interface OperatingExceptionView {
  readonly id: string;
  readonly service: CrossService;
  readonly municipalities: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly reason: string;
  readonly arrangedBy: string;
}

/** GET /api/operating-hours. */
interface OperatingHoursView {
  readonly open: boolean;
  readonly nextOpeningText: string;
  readonly hours: { readonly opens: string; readonly closes: string };
  readonly exceptions: readonly OperatingExceptionView[];
}

function readHours(): Promise<OperatingHoursView> {
  return getJson<OperatingHoursView>('/api/operating-hours');
}

/** One line: open now, or closed and when the window next opens. */
function hoursSentence(hours: OperatingHoursView): string {
  const span = `平日 ${hours.hours.opens}〜${hours.hours.closes}`;
  return hours.open
    ? `共通運用時間帯: 受付中です（${span}）。`
    : `共通運用時間帯: 時間外です（${span}）。次の受付開始は ${hours.nextOpeningText} です。`;
}

/** ホーム's line on the common operating hours; nothing when they cannot be read. */
export function OperatingHoursLine() {
  const [hours, setHours] = useState<OperatingHoursView | undefined>();
  useEffect(() => {
    readHours().then(setHours, () => undefined);
  }, []);
  return hours === undefined ? null : <p data-testid="operating-hours">{hoursSentence(hours)}</p>;
}

/** A datetime-local input read as Japan time, labelled, with its message. */
function JapanTimeField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>
        {props.label}
        <span className="required">（必須）</span>
      </label>
      <input
        id={id}
        type="datetime-local"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-invalid={props.error === undefined ? undefined : true}
        aria-describedby={props.error === undefined ? `${id}-help` : `${id}-help ${id}-error`}
      />
      <small id={`${id}-help`}>日本時間</small>
      {props.error !== undefined && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {props.error}
        </span>
      )}
    </>
  );
}

const EMPTY_EXCEPTION = {
  service: 'identity-confirmation' as CrossService,
  partners: '',
  start: '',
  end: '',
  reason: '',
  arrangedBy: '',
};

/** The request's messages, field by field; empty when it can be sent. */
function exceptionErrors(
  draft: typeof EMPTY_EXCEPTION,
): Partial<Record<keyof typeof EMPTY_EXCEPTION, string>> {
  const start = japanInstantOf(draft.start);
  const end = japanInstantOf(draft.end);
  const errors: Partial<Record<keyof typeof EMPTY_EXCEPTION, string>> = {};
  const partners = parseLgCodes(draft.partners).error;
  if (partners !== undefined) errors.partners = partners;
  if (start === undefined) errors.start = '開始日時を入力してください';
  if (end === undefined) errors.end = '終了日時を入力してください';
  else if (start !== undefined && Date.parse(end) <= Date.parse(start))
    errors.end = '終了は開始より後にしてください';
  if (draft.reason.trim() === '') errors.reason = '理由を入力してください';
  if (draft.arrangedBy.trim() === '') errors.arrangedBy = '取り決めた者を入力してください';
  return errors;
}

/** 運用時間 (system administrator): the hours, the exceptions in force or to come, and a form to record one. */
export function OperatingHoursScreen() {
  const [hours, setHours] = useState<OperatingHoursView | undefined>();
  const [draft, setDraft] = useState(EMPTY_EXCEPTION);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => readHours().then(setHours), []);
  useEffect(() => {
    reload().catch((caught: unknown) => setError(cardMessageOf(caught)));
  }, [reload]);

  function run(work: () => Promise<unknown>, success: string): void {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    work()
      .then(async () => {
        setDone(success);
        await reload();
      })
      .catch((caught: unknown) => setError(cardMessageOf(caught)))
      .finally(() => setBusy(false));
  }

  const errors = exceptionErrors(draft);
  const shown = (field: keyof typeof EMPTY_EXCEPTION): string | undefined =>
    submitted ? errors[field] : undefined;
  const partners = parseLgCodes(draft.partners).codes;

  function record(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) return;
    const body = {
      service: draft.service,
      with: partners,
      start: japanInstantOf(draft.start),
      end: japanInstantOf(draft.end),
      reason: draft.reason.trim(),
      arrangedBy: draft.arrangedBy.trim(),
    };
    run(async () => {
      await postJson('/api/operating-hours/exceptions', body);
      setDraft(EMPTY_EXCEPTION);
      setSubmitted(false);
    }, '時間外運用の取り決めを記録しました');
  }

  const set = (field: keyof typeof EMPTY_EXCEPTION) => (value: string) =>
    setDraft((previous) => ({ ...previous, [field]: value }));
  return (
    <Screen title="運用時間">
      {hours !== undefined && <p data-testid="operating-hours">{hoursSentence(hours)}</p>}
      <ErrorAlert message={error} />
      <StatusMessage message={done} />
      <h2>時間外運用の取り決め</h2>
      {hours !== undefined &&
        (hours.exceptions.length === 0 ? (
          <p>実施中・予定の取り決めはありません。</p>
        ) : (
          <table data-testid="operating-exceptions">
            <thead>
              <tr>
                <th scope="col">業務</th>
                <th scope="col">団体</th>
                <th scope="col">開始</th>
                <th scope="col">終了</th>
                <th scope="col">理由</th>
                <th scope="col">取り決めた者</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {hours.exceptions.map((exception) => (
                <tr key={exception.id}>
                  <td>{crossServiceLabel[exception.service]}</td>
                  <td>{exception.municipalities.map(localGovernmentName).join('、')}</td>
                  <td>{formatTime(exception.start)}</td>
                  <td>{formatTime(exception.end)}</td>
                  <td>{exception.reason}</td>
                  <td>{exception.arrangedBy}</td>
                  <td>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`「${exception.reason}」の取り決めを取り下げ`}
                      onClick={() =>
                        run(
                          () =>
                            postJson(
                              `/api/operating-hours/exceptions/${encodeURIComponent(exception.id)}/withdraw`,
                            ),
                          '取り決めを取り下げました',
                        )
                      }
                    >
                      取下げ
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <form aria-labelledby="exception-heading" onSubmit={record} noValidate>
        <h3 id="exception-heading">取り決めの記録</h3>
        <FieldGroup legend="取り決め">
          <SelectField
            label="業務"
            value={draft.service}
            onChange={set('service')}
            options={Object.entries(crossServiceLabel)}
          />
          <TextField
            label="相手の団体コード"
            required
            value={draft.partners}
            onChange={set('partners')}
            error={shown('partners')}
            inputMode="numeric"
            help={
              partners.length > 0
                ? partners.map((code) => `${code} ${localGovernmentName(code)}`).join('、')
                : '6桁の全国地方公共団体コード。複数は「、」で区切る（例: 310000）'
            }
          />
          <JapanTimeField label="開始" value={draft.start} onChange={set('start')} error={shown('start')} />
          <JapanTimeField label="終了" value={draft.end} onChange={set('end')} error={shown('end')} />
          <TextField
            label="理由"
            required
            value={draft.reason}
            onChange={set('reason')}
            error={shown('reason')}
          />
          <TextField
            label="取り決めた者"
            required
            value={draft.arrangedBy}
            onChange={set('arrangedBy')}
            error={shown('arrangedBy')}
            help="例: 鳥取市市民課 田中, 鳥取県市町村課 山本"
          />
        </FieldGroup>
        <div className="actions">
          <button type="submit" disabled={busy}>
            記録
          </button>
        </div>
      </form>
    </Screen>
  );
}
