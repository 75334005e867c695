// The forms of the 住基カード steps that take input at the counter (docs/card-issuance.md): the application (券面 and
// 本人確認), the handover against the notice number, the resident's PIN, a suspension's reason, its lifting, and a
// return. Each checks its fields and hands the body to the panel, which sends it.

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  EMPTY_IDENTITY_CHECK,
  IdentityCheckFields,
  identityCheckErrors,
  isPinPairValid,
  PinPairFields,
  trimmedIdentityCheck,
} from './card-fields.js';
import { faceVersionLabel, suspensionReasonLabel, type IdentityCheck } from './card-views.js';
import { FieldGroup, RadioGroup, TextField } from './form-fields.js';

/**
 * A step's form: its heading, the fields, the button that sends it and 取消 (also Escape); the first field takes the
 * focus.
 */
function StepForm({
  title,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const headingId = useId();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, select, button')?.focus();
  }, []);
  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    }
  }
  return (
    <form
      ref={form}
      aria-labelledby={headingId}
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h4 id={headingId}>{title}</h4>
      {children}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

interface StepFormProps<Body> {
  readonly busy: boolean;
  readonly onSend: (body: Body) => void;
  readonly onCancel: () => void;
}

/** 申請 (or 再交付申請): the face the card is printed with and how the applicant's identity was checked. */
export function ApplicationForm({
  kind,
  ...props
}: StepFormProps<{ kind: 'new' | 'reissue'; faceVersion: 'A' | 'B'; identityCheck: IdentityCheck }> & {
  kind: 'new' | 'reissue';
}) {
  const [faceVersion, setFaceVersion] = useState<'A' | 'B'>('A');
  const [check, setCheck] = useState(EMPTY_IDENTITY_CHECK);
  const [submitted, setSubmitted] = useState(false);
  return (
    <StepForm
      title={kind === 'new' ? '住基カードの交付申請' : '住基カードの再交付申請'}
      submitLabel="申請"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (Object.keys(identityCheckErrors(check)).length > 0) return;
        props.onSend({ kind, faceVersion, identityCheck: trimmedIdentityCheck(check) });
      }}
    >
      <RadioGroup
        legend="カードの様式（券面）"
        name="card-face"
        value={faceVersion}
        onChange={(value) => setFaceVersion(value as 'A' | 'B')}
        options={Object.entries(faceVersionLabel)}
      />
      <IdentityCheckFields value={check} onChange={setCheck} submitted={submitted} />
    </StepForm>
  );
}

/** 交付: the notice number the resident brings on the 交付通知書, and the identity checked again. */
export function HandoverForm(props: StepFormProps<{ noticeNumber: string; identityCheck: IdentityCheck }>) {
  const [noticeNumber, setNoticeNumber] = useState('');
  const [check, setCheck] = useState(EMPTY_IDENTITY_CHECK);
  const [submitted, setSubmitted] = useState(false);
  const [left, setLeft] = useState(false);
  const number = noticeNumber.normalize('NFKC').replace(/[\s-]/g, '');
  const numberError = /^[0-9]{12}$/.test(number)
    ? undefined
    : '交付通知書の通知番号（12桁の数字）を入力してください';
  return (
    <StepForm
      title="交付"
      submitLabel="交付"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (numberError !== undefined || Object.keys(identityCheckErrors(check)).length > 0) return;
        props.onSend({ noticeNumber: number, identityCheck: trimmedIdentityCheck(check) });
      }}
    >
      <FieldGroup legend="交付通知書">
        <TextField
          label="通知番号"
          required
          inputMode="numeric"
          value={noticeNumber}
          onChange={setNoticeNumber}
          onBlur={() => setLeft(true)}
          error={submitted || left ? numberError : undefined}
          help="本人が持参した交付通知書に記載の12桁の番号"
        />
      </FieldGroup>
      <IdentityCheckFields value={check} onChange={setCheck} submitted={submitted} />
    </StepForm>
  );
}

/** 暗証番号設定: the resident types the PIN twice at the counter; it activates the card. */
export function PinForm(props: StepFormProps<{ pin: string }>) {
  const [first, setFirst] = useState('');
  const [repeat, setRepeat] = useState('');
  const [submitted, setSubmitted] = useState(false);
  return (
    <StepForm
      title="暗証番号設定"
      submitLabel="設定"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (isPinPairValid(first, repeat)) props.onSend({ pin: first });
      }}
    >
      <PinPairFields
        first={first}
        repeat={repeat}
        onFirst={setFirst}
        onRepeat={setRepeat}
        submitted={submitted}
      />
    </StepForm>
  );
}

/** 一時停止: on a report of loss or theft; the national server hears of it at once. */
export function SuspendForm(props: StepFormProps<{ reason: 'loss' | 'theft' | 'other' }>) {
  const [reason, setReason] = useState<'loss' | 'theft' | 'other'>('loss');
  return (
    <StepForm
      title="一時停止"
      submitLabel="一時停止"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => props.onSend({ reason })}
    >
      <RadioGroup
        legend="理由"
        name="suspension-reason"
        value={reason}
        onChange={(value) => setReason(value as typeof reason)}
        options={Object.entries(suspensionReasonLabel)}
      />
    </StepForm>
  );
}

/** 一時停止の解除: the card was found; the holder's identity checked. */
export function LiftForm(props: StepFormProps<{ identityCheck: IdentityCheck }>) {
  const [check, setCheck] = useState(EMPTY_IDENTITY_CHECK);
  const [submitted, setSubmitted] = useState(false);
  return (
    <StepForm
      title="一時停止の解除"
      submitLabel="解除"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (Object.keys(identityCheckErrors(check)).length === 0) {
          props.onSend({ identityCheck: trimmedIdentityCheck(check) });
        }
      }}
    >
      <IdentityCheckFields value={check} onChange={setCheck} submitted={submitted} />
    </StepForm>
  );
}

/** 返納: the clerk takes the card back and the card wipes its key and code; asked once more, since it is for good. */
export function ReturnForm(props: StepFormProps<Record<string, never>> & { cardId: string | null }) {
  return (
    <StepForm
      title="返納"
      submitLabel="返納を受け付ける"
      busy={props.busy}
      onCancel={props.onCancel}
      onSubmit={() => props.onSend({})}
    >
      <p>
        カード{props.cardId === null ? '' : `（${props.cardId}）`}
        を回収し、返納を受け付けます。返納したカードは再び使えません。
      </p>
    </StepForm>
  );
}
