// The fields the card screens share: the holder's identity check (本人確認: how, which document, its number), a masked
// PIN input, and the new PIN the resident types twice, each checked as it is typed (card-checks.ts).

import { useId, useState } from 'react';
import { checkDocumentItem, checkPin, checkPinRepeat, PIN_LENGTH } from './card-checks.js';
import { identityCheckMethodLabel, type IdentityCheck } from './card-views.js';
import { FieldGroup, SelectField, TextField } from './form-fields.js';

export const EMPTY_IDENTITY_CHECK: IdentityCheck = {
  method: 'photo-id',
  documentType: '',
  documentNumber: '',
};

/** The documents usually shown, offered while typing; any other is accepted. */
const DOCUMENT_SUGGESTIONS = [
  '運転免許証',
  '旅券',
  '在留カード',
  '住民基本台帳カード',
  '健康保険証',
  '年金手帳',
];

/** The identity check's messages; empty when it can be sent. */
export function identityCheckErrors(check: IdentityCheck): {
  documentType?: string;
  documentNumber?: string;
} {
  const documentType = checkDocumentItem(check.documentType);
  const documentNumber = checkDocumentItem(check.documentNumber);
  return {
    ...(documentType === undefined ? {} : { documentType }),
    ...(documentNumber === undefined ? {} : { documentNumber }),
  };
}

/** The identity check trimmed as the server stores it. */
export function trimmedIdentityCheck(check: IdentityCheck): IdentityCheck {
  return { ...check, documentType: check.documentType.trim(), documentNumber: check.documentNumber.trim() };
}

/** 本人確認: the method and the document; a field's message shows once it was left, or once the form was sent. */
export function IdentityCheckFields({
  value,
  onChange,
  submitted,
  legend = '本人確認',
}: {
  value: IdentityCheck;
  onChange: (value: IdentityCheck) => void;
  submitted: boolean;
  legend?: string;
}) {
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const listId = useId();
  const errors = identityCheckErrors(value);
  const shown = (field: 'documentType' | 'documentNumber'): string | undefined =>
    submitted || left.has(field) ? errors[field] : undefined;
  const leave = (field: string) => () => setLeft((previous) => new Set(previous).add(field));
  return (
    <FieldGroup legend={legend}>
      <SelectField
        label="本人確認の方法"
        value={value.method}
        onChange={(method) => onChange({ ...value, method: method as IdentityCheck['method'] })}
        options={Object.entries(identityCheckMethodLabel)}
      />
      <TextField
        label="確認書類"
        required
        value={value.documentType}
        onChange={(documentType) => onChange({ ...value, documentType })}
        onBlur={leave('documentType')}
        error={shown('documentType')}
        list={listId}
        help="例: 運転免許証、旅券"
      />
      <datalist id={listId}>
        {DOCUMENT_SUGGESTIONS.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <TextField
        label="書類の番号"
        required
        value={value.documentNumber}
        onChange={(documentNumber) => onChange({ ...value, documentNumber })}
        onBlur={leave('documentNumber')}
        error={shown('documentNumber')}
      />
    </FieldGroup>
  );
}

/** A masked PIN input, labelled, with its message tied to it (the resident types, the screen shows dots). */
export function PinInput(props: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onBlur?: () => void;
  readonly error?: string | undefined;
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
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={PIN_LENGTH}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value.normalize('NFKC'))}
        onBlur={props.onBlur}
        aria-required
        aria-invalid={props.error === undefined ? undefined : true}
        aria-describedby={props.error === undefined ? undefined : `${id}-error`}
      />
      {props.error !== undefined && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {props.error}
        </span>
      )}
    </>
  );
}

/** True when the two PINs can be sent. */
export function isPinPairValid(first: string, repeat: string): boolean {
  return (
    checkPin(first, { complete: true }) === undefined &&
    checkPinRepeat(first, repeat, { complete: true }) === undefined
  );
}

/** A new PIN typed twice by the resident, checked as typed. */
export function PinPairFields({
  first,
  repeat,
  onFirst,
  onRepeat,
  submitted,
  label = '暗証番号',
}: {
  first: string;
  repeat: string;
  onFirst: (value: string) => void;
  onRepeat: (value: string) => void;
  submitted: boolean;
  /** 暗証番号, or 新しい暗証番号 when a clerk unlocks a card. */
  label?: string;
}) {
  const [left, setLeft] = useState({ first: false, repeat: false });
  return (
    <FieldGroup legend={`${label}（本人が入力）`}>
      <PinInput
        label={`${label}（4桁）`}
        value={first}
        onChange={onFirst}
        onBlur={() => setLeft((previous) => ({ ...previous, first: true }))}
        error={checkPin(first, { complete: submitted || left.first })}
      />
      <PinInput
        label={`${label}（確認）`}
        value={repeat}
        onChange={onRepeat}
        onBlur={() => setLeft((previous) => ({ ...previous, repeat: true }))}
        error={checkPinRepeat(first, repeat, { complete: submitted || left.repeat })}
      />
    </FieldGroup>
  );
}
