// Canonical JSON (RFC 8785, JCS): the one byte form of a value that signatures cover, so that key order and number
// spelling never change a signature. The serialiser is `canonicalize`, by the RFC's author.

import { createRequire } from 'node:module';
import { JukinetError } from '../shared/errors.js';

// `canonicalize` is CommonJS whose typings claim an ES default export; require() gives the function itself.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/**
 * Serialises `value` as RFC 8785 canonical JSON: object keys sorted by UTF-16 code units, numbers in ECMAScript's
 * shortest form, no whitespace. Objects' `toJSON` is honoured (a Date becomes its ISO string) and properties whose value
 * is `undefined` are left out, as JSON.stringify does. Throws JUKI_ERR_CANONICAL_JSON for what JSON cannot carry
 * faithfully: undefined at the top or in an array, NaN and the infinities, BigInt, functions, symbols, cycles, and
 * objects other than plain objects, arrays and those with toJSON (a Map would silently become `{}`).
 */
export function canonicalJson(value: unknown): string {
  checkRepresentable(value, '$', new Set());
  const text = canonicalize(value);
  if (text === undefined) throw new JukinetError('JUKI_ERR_CANONICAL_JSON', 'value is undefined');
  return text;
}

function checkRepresentable(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, String(value));
      return;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      fail(path, typeof value);
      return;
    case 'object':
      break;
  }
  if (value === null) return;
  if (ancestors.has(value)) fail(path, 'a cycle');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    ancestors.add(value);
    checkRepresentable((value as { toJSON: () => unknown }).toJSON(), path, ancestors);
    ancestors.delete(value);
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkRepresentable(item, `${path}[${index}]`, ancestors));
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      fail(path, `an object of class ${value.constructor?.name ?? 'unknown'}`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) checkRepresentable(item, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}

function fail(path: string, what: string): never {
  throw new JukinetError('JUKI_ERR_CANONICAL_JSON', `${what} at ${JSON.stringify(path)}`);
}
