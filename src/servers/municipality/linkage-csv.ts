// The CSV form of the linkage messages (docs/linkage.md "CSV import and export"): one row per version-1 message, UTF-8
// with a header row, RFC 4180 quoting, an empty cell for an absent optional field. Pure: no I/O.

import { err, ok, type Result } from '../../shared/result.js';
import type { RegisterChange } from './linkage.js';

/** How a cell is read back: text as is, or a number or boolean when it spells one (else the text, for the schema to refuse). */
type CellType = 'text' | 'integer' | 'boolean';

/** The columns, in the order `formatLinkageCsv` writes them; `required` columns must be in the header of a file. */
export const LINKAGE_CSV_COLUMNS = [
  { name: 'v', type: 'integer', required: true },
  { name: 'kind', type: 'text', required: true },
  { name: 'resident.id', type: 'text', required: true },
  { name: 'resident.residentCode', type: 'text', required: true },
  { name: 'resident.name', type: 'text', required: true },
  { name: 'resident.nameKana', type: 'text', required: false },
  { name: 'resident.commonName', type: 'text', required: false },
  { name: 'resident.birthDate', type: 'text', required: true },
  { name: 'resident.sex', type: 'text', required: true },
  { name: 'resident.address', type: 'text', required: true },
  { name: 'resident.lgCode', type: 'text', required: true },
  { name: 'resident.foreignResident', type: 'boolean', required: true },
  { name: 'resident.closed', type: 'boolean', required: true },
  { name: 'action.id', type: 'text', required: true },
  { name: 'action.seq', type: 'integer', required: true },
  { name: 'action.reason', type: 'text', required: true },
  { name: 'action.effectiveOn', type: 'text', required: true },
  { name: 'action.filedOn', type: 'text', required: true },
  { name: 'action.recordedAt', type: 'text', required: true },
  { name: 'action.previousResidentCode', type: 'text', required: false },
] as const satisfies readonly { name: string; type: CellType; required: boolean }[];

/** One data row of a linkage CSV: the physical line it starts on (the header is line 1) and the message it spells. */
export interface LinkageCsvRow {
  readonly line: number;
  /** Not yet validated: the importer checks it with registerChangeSchema and refuses the row alone when it is wrong. */
  readonly message: unknown;
}

/** Why a file cannot be read at all: the line (from 1) and, when it is about one cell, the column (from 1) and its name. */
export interface LinkageCsvError {
  readonly line: number;
  readonly column?: number;
  readonly columnName?: string;
  readonly reason: string;
}

/** Says where a CSV error is, for a message: `line 3, column 5 (resident.name): …`. */
export function describeLinkageCsvError(error: LinkageCsvError): string {
  const where =
    error.column === undefined
      ? `line ${error.line}`
      : `line ${error.line}, column ${error.column}${error.columnName === undefined ? '' : ` (${error.columnName})`}`;
  return `${where}: ${error.reason}`;
}

const CRLF = '\r\n';

function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cellOf(message: RegisterChange, name: string): string {
  const [group, field] = name.split('.') as [string, string | undefined];
  const holder: Record<string, unknown> =
    field === undefined
      ? (message as unknown as Record<string, unknown>)
      : ((message as unknown as Record<string, Record<string, unknown>>)[group] ?? {});
  const value = holder[field ?? group] as string | number | boolean | undefined;
  return value === undefined ? '' : String(value);
}

/** Writes the messages as a linkage CSV: the header row, then one row per message, CRLF line ends (RFC 4180). */
export function formatLinkageCsv(messages: readonly RegisterChange[]): string {
  const lines = [LINKAGE_CSV_COLUMNS.map((column) => column.name).join(',')];
  for (const message of messages) {
    lines.push(LINKAGE_CSV_COLUMNS.map((column) => quoteCell(cellOf(message, column.name))).join(','));
  }
  return lines.join(CRLF) + CRLF;
}

/** A record as split from the text: its cells and the line it starts on. */
interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/** Splits RFC 4180 text into records (LF or CRLF line ends, quoted cells may hold commas, quotes and line ends). */
function splitRecords(text: string): Result<CsvRecord[], LinkageCsvError> {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        const opened = line;
        i++;
        for (;;) {
          if (i >= text.length) {
            return err({ line: opened, column: cells.length + 1, reason: 'the quoted cell is never closed' });
          }
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          return err({
            line,
            column: cells.length + 1,
            reason: 'a quoted cell must end at a comma or the end of the line',
          });
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') {
            return err({
              line,
              column: cells.length + 1,
              reason: 'a quote inside an unquoted cell: quote the whole cell and double the quote',
            });
          }
          cell += text[i];
          i++;
        }
        if (text[i] === '\r' && text[i + 1] !== '\n') {
          return err({ line, column: cells.length + 1, reason: 'a carriage return outside quotes' });
        }
      }
      cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // End of the record: a line end or the end of the text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    // A blank line holds no record.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
  }
  return ok(records);
}

type ColumnSpec = (typeof LINKAGE_CSV_COLUMNS)[number];

function readCell(type: CellType, cell: string): unknown {
  switch (type) {
    case 'text':
      return cell;
    case 'integer':
      return /^(0|[1-9][0-9]{0,14})$/.test(cell) ? Number(cell) : cell;
    case 'boolean':
      return cell === 'true' ? true : cell === 'false' ? false : cell;
  }
}

/**
 * Reads a linkage CSV: the header names the columns (any order, the optional ones may be left out), each row becomes a
 * message object. A file that cannot be read as such (bad quoting, an unknown, repeated or missing column, a row with
 * the wrong number of cells) is refused as a whole, naming the line and column; the cells themselves are checked by
 * the importer, row by row.
 */
export function parseLinkageCsv(text: string): Result<LinkageCsvRow[], LinkageCsvError> {
  const split = splitRecords(text);
  if (!split.ok) return split;
  const [header, ...records] = split.value;
  if (header === undefined) return err({ line: 1, reason: 'the file is empty: it needs a header row' });
  const columns: ColumnSpec[] = [];
  for (const [index, name] of header.cells.entries()) {
    const spec = LINKAGE_CSV_COLUMNS.find((column) => column.name === name);
    const at = { line: header.line, column: index + 1, columnName: name };
    if (spec === undefined) return err({ ...at, reason: `unknown column ${JSON.stringify(name)}` });
    if (columns.includes(spec)) return err({ ...at, reason: `column ${JSON.stringify(name)} is repeated` });
    columns.push(spec);
  }
  const missing = LINKAGE_CSV_COLUMNS.filter((column) => column.required && !columns.includes(column));
  if (missing.length > 0) {
    return err({
      line: header.line,
      reason: `missing columns ${missing.map((column) => JSON.stringify(column.name)).join(', ')}`,
    });
  }
  const rows: LinkageCsvRow[] = [];
  for (const record of records) {
    if (record.cells.length !== columns.length) {
      return err({
        line: record.line,
        reason: `${record.cells.length} cells where the header has ${columns.length}`,
      });
    }
    const message: Record<string, unknown> = {};
    for (const [index, spec] of columns.entries()) {
      const cell = record.cells[index]!;
      if (cell === '') continue;
      const [group, field] = spec.name.split('.') as [string, string | undefined];
      const value = readCell(spec.type, cell);
      if (field === undefined) {
        message[group] = value;
      } else {
        const holder = (message[group] ??= {}) as Record<string, unknown>;
        holder[field] = value;
      }
    }
    rows.push({ line: record.line, message });
  }
  return ok(rows);
}
