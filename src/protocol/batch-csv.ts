// The CSV files of batch provision (媒体による提供, docs/protocol/agency-batch.md, "Files"): the agency's query file and
// the national server's result file, one result line per query line. Fields follow RFC 4180 (quotes, doubled quotes)
// with one restriction: no field holds a line break, so a broken line never swallows the lines after it.

import { checkIsoDate } from '../domain/civil-date.js';
import { Sex, type ChangeReason } from '../domain/identity-info.js';
import type { FourItemCriteria } from '../domain/identity-match.js';
import { ResidentCodeInvalidReason, checkResidentCode, type ResidentCode } from '../domain/resident-code.js';
import { err, ok, type Result } from '../shared/result.js';

/** The header line of a query file, exactly. */
export const BATCH_INPUT_COLUMNS = [
  'line_id',
  'resident_code',
  'name',
  'name_kana',
  'birth_date',
  'sex',
  'address',
  'as_of',
] as const;

/** The header line of a result file, exactly. */
export const BATCH_RESULT_COLUMNS = [
  'line',
  'line_id',
  'status',
  'reason',
  'resident_code',
  'name',
  'name_kana',
  'birth_date',
  'sex',
  'address',
  'change_reason',
  'change_date',
  'record_status',
] as const;

/** What became of one query line. */
export const BatchLineStatus = {
  /** One person: their identity information follows. */
  found: 'found',
  /** Nobody with that code, or matching those items, at that date. */
  notFound: 'not-found',
  /** The line could not be read; the reason says why. Nothing was looked up. */
  invalid: 'invalid',
  /** A four-item search matched more than one person: nothing is provided, the agency narrows the items. */
  tooMany: 'too-many',
} as const;
export type BatchLineStatus = (typeof BatchLineStatus)[keyof typeof BatchLineStatus];

/** The most characters of a line id, and of a name, kana or address. */
export const MAX_LINE_ID_LENGTH = 64;
const MAX_TEXT_LENGTH = 200;

/**
 * The physical lines of `text`: split at LF or CRLF, a byte-order mark before the first dropped, and a final line
 * break not starting another line.
 */
export function splitCsvLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body === '') return [];
  const lines = body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The fields of one CSV line (RFC 4180 §2 without line breaks inside quotes): fields separated by commas, a field in
 * double quotes may hold commas and doubled quotes. Says why when the line is not well formed.
 */
export function parseCsvLine(line: string): Result<string[], string> {
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    if (line[index] === '"') {
      let value = '';
      index++;
      for (;;) {
        const quote = line.indexOf('"', index);
        if (quote === -1) return err(`field ${fields.length + 1}: the quote is never closed`);
        value += line.slice(index, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          index = quote + 2;
          continue;
        }
        index = quote + 1;
        break;
      }
      fields.push(value);
      if (index === line.length) return ok(fields);
      if (line[index] !== ',') return err(`field ${fields.length}: text after the closing quote`);
      index++;
    } else {
      const comma = line.indexOf(',', index);
      const end = comma === -1 ? line.length : comma;
      const value = line.slice(index, end);
      if (value.includes('"')) return err(`field ${fields.length + 1}: a quote inside an unquoted field`);
      if (value.includes('\r')) return err(`field ${fields.length + 1}: a carriage return inside a field`);
      fields.push(value);
      if (comma === -1) return ok(fields);
      index = comma + 1;
    }
  }
}

/** One CSV line of `fields`, each quoted only when it must be (a comma, a quote, a line break). */
export function formatCsvLine(fields: readonly string[]): string {
  return fields
    .map((field) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field))
    .join(',');
}

/** A query line as read: a look-up by code or a four-item search, with the date to answer for. */
export type BatchQuery =
  | { readonly kind: 'code'; readonly residentCode: ResidentCode; readonly asOf?: string }
  | { readonly kind: 'four-items'; readonly criteria: FourItemCriteria; readonly asOf?: string };

/** A query line read, or why it cannot be: `lineId` is what could be read of the first field. */
export type BatchLine =
  | { readonly ok: true; readonly lineId: string; readonly query: BatchQuery }
  | { readonly ok: false; readonly lineId: string; readonly reason: string };

/** Checks the header line of a query file; says what is wrong. */
export function checkBatchHeader(line: string | undefined): Result<true, string> {
  const expected = BATCH_INPUT_COLUMNS.join(',');
  if (line === undefined) return err('the file is empty: the first line must be the header');
  return line.replace(/^\uFEFF/, '') === expected ? ok(true) : err(`the first line must be "${expected}"`);
}

const CODE_REASONS: Record<ResidentCodeInvalidReason, string> = {
  [ResidentCodeInvalidReason.length]: 'must have 11 digits',
  [ResidentCodeInvalidReason.nonDigit]: 'must be digits only',
  [ResidentCodeInvalidReason.checkDigit]: 'the check digit is wrong',
};

function textField(name: string, value: string): Result<string | undefined, string> {
  if (value === '') return ok(undefined);
  if ([...value].length > MAX_TEXT_LENGTH) return err(`${name} is longer than ${MAX_TEXT_LENGTH} characters`);
  return ok(value);
}

function dateField(name: string, value: string, today: string): Result<string | undefined, string> {
  if (value === '') return ok(undefined);
  const checked = checkIsoDate(value);
  if (!checked.ok) return err(`${name} "${value}": ${checked.reason}`);
  if (name === 'as_of' && value > today) return err(`as_of "${value}" is in the future`);
  return ok(value);
}

/**
 * Reads one query line (docs/protocol/agency-batch.md, "Query file"): with a resident code it is a look-up by code
 * (the other items are not used), otherwise a four-item search; `today` (Japan date) bounds `as_of`. The four-item
 * rules beyond the form of each field (a name or kana, not spaces only) are the server's `checkCriteria`.
 */
export function readBatchLine(line: string, options: { today: string }): BatchLine {
  const parsed = parseCsvLine(line);
  if (!parsed.ok) {
    const comma = line.indexOf(',');
    const lineId = comma === -1 || line.startsWith('"') ? '' : line.slice(0, comma);
    return { ok: false, lineId: lineId.slice(0, MAX_LINE_ID_LENGTH), reason: parsed.reason };
  }
  const fields = parsed.value;
  const lineId = (fields[0] ?? '').slice(0, MAX_LINE_ID_LENGTH);
  const invalid = (reason: string): BatchLine => ({ ok: false, lineId, reason });
  if (line === '') return invalid('an empty line');
  if (fields.length !== BATCH_INPUT_COLUMNS.length) {
    return invalid(`${fields.length} fields, expected ${BATCH_INPUT_COLUMNS.length}`);
  }
  const [
    id = '',
    code = '',
    name = '',
    nameKana = '',
    birthDate = '',
    sex = '',
    address = '',
    asOfText = '',
  ] = fields;
  if (id === '') return invalid('line_id is empty');
  if ([...id].length > MAX_LINE_ID_LENGTH)
    return invalid(`line_id is longer than ${MAX_LINE_ID_LENGTH} characters`);
  const asOf = dateField('as_of', asOfText, options.today);
  if (!asOf.ok) return invalid(asOf.reason);
  const when = asOf.value === undefined ? {} : { asOf: asOf.value };
  if (code !== '') {
    const checked = checkResidentCode(code);
    if (!checked.ok) return invalid(`resident_code "${code}": ${CODE_REASONS[checked.reason]}`);
    return { ok: true, lineId: id, query: { kind: 'code', residentCode: checked.value, ...when } };
  }
  const birth = dateField('birth_date', birthDate, options.today);
  if (!birth.ok) return invalid(birth.reason);
  if (birth.value === undefined)
    return invalid('give resident_code, or birth_date, sex and name or name_kana');
  if (sex !== Sex.male && sex !== Sex.female) return invalid(`sex "${sex}": expected "male" or "female"`);
  const texts = [textField('name', name), textField('name_kana', nameKana), textField('address', address)];
  for (const text of texts) if (!text.ok) return invalid(text.reason);
  const [nameValue, kanaValue, addressValue] = texts.map((text) => (text.ok ? text.value : undefined));
  const criteria: FourItemCriteria = {
    birthDate: birth.value,
    sex,
    ...(nameValue === undefined ? {} : { name: nameValue }),
    ...(kanaValue === undefined ? {} : { nameKana: kanaValue }),
    ...(addressValue === undefined ? {} : { address: addressValue }),
  };
  return { ok: true, lineId: id, query: { kind: 'four-items', criteria, ...when } };
}

/** 本人確認情報 as a result line carries it (the fields of `ProvidedIdentity`). */
export interface BatchResultIdentity {
  readonly residentCode: string;
  readonly name: string;
  readonly nameKana?: string | undefined;
  readonly birthDate: string;
  readonly sex: Sex;
  readonly address: string;
  readonly change: { readonly reason: ChangeReason; readonly date: string };
  readonly status: 'registered' | 'closed';
}

/** One line of a result file. `line` is the query's line number in its file (the header is line 1). */
export interface BatchResultLine {
  readonly line: number;
  readonly lineId: string;
  readonly status: BatchLineStatus;
  /** Why the line was not answered with a person; empty when found. */
  readonly reason: string;
  readonly identity?: BatchResultIdentity;
}

/** The CSV line of a result (without its line break). */
export function formatBatchResultLine(result: BatchResultLine): string {
  const identity = result.identity;
  return formatCsvLine([
    String(result.line),
    result.lineId,
    result.status,
    result.reason,
    identity?.residentCode ?? '',
    identity?.name ?? '',
    identity?.nameKana ?? '',
    identity?.birthDate ?? '',
    identity?.sex ?? '',
    identity?.address ?? '',
    identity?.change.reason ?? '',
    identity?.change.date ?? '',
    identity?.status ?? '',
  ]);
}

/**
 * The lines of a result file, as written by `formatBatchResultLine` under the header `BATCH_RESULT_COLUMNS`; says
 * what is wrong with the first line that is not.
 */
export function parseBatchResult(text: string): Result<BatchResultLine[], string> {
  const lines = splitCsvLines(text);
  if (lines[0] !== BATCH_RESULT_COLUMNS.join(',')) return err('the first line is not the result header');
  const results: BatchResultLine[] = [];
  for (const [index, line] of lines.slice(1).entries()) {
    const parsed = parseCsvLine(line);
    if (!parsed.ok || parsed.value.length !== BATCH_RESULT_COLUMNS.length) {
      return err(`line ${index + 2} is not a result line`);
    }
    const [
      lineNumber,
      lineId,
      status,
      reason,
      code,
      name,
      kana,
      birthDate,
      sex,
      address,
      change,
      date,
      state,
    ] = parsed.value as [string, ...string[]];
    if (!Object.values(BatchLineStatus).includes(status as BatchLineStatus)) {
      return err(`line ${index + 2}: unknown status "${status}"`);
    }
    results.push({
      line: Number(lineNumber),
      lineId: lineId ?? '',
      status: status as BatchLineStatus,
      reason: reason ?? '',
      ...(code === undefined || code === ''
        ? {}
        : {
            identity: {
              residentCode: code,
              name: name ?? '',
              ...(kana === undefined || kana === '' ? {} : { nameKana: kana }),
              birthDate: birthDate ?? '',
              sex: sex as Sex,
              address: address ?? '',
              change: { reason: change as ChangeReason, date: date ?? '' },
              status: state === 'closed' ? 'closed' : 'registered',
            },
          }),
    });
  }
  return ok(results);
}
