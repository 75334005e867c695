// The fields every 届出 form is built from: a labelled input whose message (role="alert") is tied to it by
// aria-describedby, date fields that show the date read back in 和暦, choices and check boxes.

import { useId, type ReactNode } from 'react';
import { formatWareki } from '../../domain/index.js';
import { normaliseDate } from './field-checks.js';

interface FieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onBlur?: () => void;
  /** The message to show, already filtered by whether the clerk has touched the field. */
  readonly error?: string | undefined;
  readonly help?: string;
  readonly required?: boolean;
  readonly inputMode?: 'text' | 'numeric';
  readonly placeholder?: string;
  readonly list?: string;
  /** The input's id, when a test or a label elsewhere needs a fixed one. */
  readonly id?: string;
}

/** A labelled text input with its help and its message. */
export function TextField(props: FieldProps) {
  const generated = useId();
  const id = props.id ?? generated;
  const described = [
    props.help === undefined ? undefined : `${id}-help`,
    props.error === undefined ? undefined : `${id}-error`,
  ].filter((part) => part !== undefined);
  return (
    <>
      <label htmlFor={id}>
        {props.label}
        {props.required === true && <span className="required">（必須）</span>}
      </label>
      <input
        id={id}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        onBlur={props.onBlur}
        aria-invalid={props.error === undefined ? undefined : true}
        aria-required={props.required === true ? true : undefined}
        aria-describedby={described.length === 0 ? undefined : described.join(' ')}
        autoComplete="off"
        {...(props.inputMode === undefined ? {} : { inputMode: props.inputMode })}
        {...(props.placeholder === undefined ? {} : { placeholder: props.placeholder })}
        {...(props.list === undefined ? {} : { list: props.list })}
      />
      {props.help !== undefined && <small id={`${id}-help`}>{props.help}</small>}
      {props.error !== undefined && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {props.error}
        </span>
      )}
    </>
  );
}

/** A date: western (2024-03-01) or 和暦 (令和6年3月1日); the help reads the date back both ways once it parses. */
export function DateField(props: Omit<FieldProps, 'help' | 'inputMode' | 'placeholder'>) {
  const iso = normaliseDate(props.value);
  let help = '例: 2024-03-01 または 令和6年3月1日';
  if (iso !== undefined) {
    try {
      help = `${iso}（${formatWareki(iso)}）`;
    } catch {
      help = iso;
    }
  }
  return <TextField {...props} help={help} placeholder="YYYY-MM-DD" />;
}

/** A labelled drop-down list. */
export function SelectField(props: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly (readonly [value: string, label: string])[];
  readonly error?: string | undefined;
  readonly required?: boolean;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>
        {props.label}
        {props.required === true && <span className="required">（必須）</span>}
      </label>
      <select
        id={id}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-invalid={props.error === undefined ? undefined : true}
        aria-describedby={props.error === undefined ? undefined : `${id}-error`}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {props.error !== undefined && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {props.error}
        </span>
      )}
    </>
  );
}

/** A check box with its label after it, in the input column. */
export function CheckboxField(props: {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      {props.label}
    </label>
  );
}

/** A group of radio buttons under a legend. */
export function RadioGroup(props: {
  readonly legend: string;
  readonly name: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly (readonly [value: string, label: string])[];
  readonly error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset
      className="choices"
      aria-describedby={props.error === undefined ? undefined : `${id}-error`}
      aria-invalid={props.error === undefined ? undefined : true}
    >
      <legend>{props.legend}</legend>
      {props.options.map(([value, label]) => (
        <label key={value}>
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.value === value}
            onChange={() => props.onChange(value)}
          />
          {label}
        </label>
      ))}
      {props.error !== undefined && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {props.error}
        </span>
      )}
    </fieldset>
  );
}

/** A titled group of fields inside a form's grid. */
export function FieldGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="group">
      <legend>{legend}</legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );
}

/** The usual 世帯主との続柄, offered while typing; any other is accepted. */
export const RELATIONSHIP_SUGGESTIONS = [
  '世帯主',
  '妻',
  '夫',
  '子',
  '父',
  '母',
  '兄',
  '姉',
  '弟',
  '妹',
  '祖父',
  '祖母',
  '孫',
  '子の妻',
  '子の夫',
  '妻の父',
  '妻の母',
  '縁故者',
  '同居人',
] as const;

/** The <datalist> the 続柄 fields point to (render once per form). */
export function RelationshipSuggestions({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {RELATIONSHIP_SUGGESTIONS.map((relationship) => (
        <option key={relationship} value={relationship} />
      ))}
    </datalist>
  );
}
