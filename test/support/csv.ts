// Reads CSV back as RFC 4180 has it (quoted fields with doubled quotes and line breaks inside, CRLF between records),
// for tests of the files Jukinet writes; written apart from the writer so that a test checks one against the other.

/** The records of CSV `text` (after an optional byte order mark), each a list of fields. Throws on a malformed file. */
export function parseCsv(text: string): string[][] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let index = 0;
  while (index < body.length) {
    const char = body[index]!;
    if (char === '"' && field === '') {
      // A quoted field runs to the next quote not doubled.
      index += 1;
      for (;;) {
        const quote = body.indexOf('"', index);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += body.slice(index, quote);
        if (body[quote + 1] === '"') {
          field += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      const next = body[index];
      if (next !== undefined && next !== ',' && next !== '\r')
        throw new Error(`text after a quoted field at ${index}`);
    } else if (char === ',') {
      record.push(field);
      field = '';
      index += 1;
    } else if (char === '\r') {
      if (body[index + 1] !== '\n') throw new Error(`a CR without LF at ${index}`);
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 2;
    } else if (char === '\n') {
      throw new Error(`a bare LF at ${index}`);
    } else {
      field += char;
      index += 1;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}
