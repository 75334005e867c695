import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, JukinetError, isJukinetError } from './errors.js';
import { renderErrorsDoc } from './errors-doc.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the catalogue (run `npm run docs:errors` after adding a code)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });

  it('every code is JUKI_ERR_ in upper snake case and every message is sentence case without a final period', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^JUKI_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/);
      expect(spec.message).toMatch(/^[A-Z]/);
      expect(spec.message).not.toMatch(/\.$/);
    }
  });

  it('JukinetError carries code, origin, category and appends the detail after a colon', () => {
    const error = new JukinetError('JUKI_ERR_RESIDENT_CODE_LENGTH', '"123"');
    expect(error.message).toBe('Resident code must have 11 digits: "123"');
    expect(error.origin).toBe('domain');
    expect(error.category).toBe('validation');
    expect(isJukinetError(error, 'JUKI_ERR_RESIDENT_CODE_LENGTH')).toBe(true);
    expect(isJukinetError(new Error('x'))).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'JUKI_ERR_RESIDENT_CODE_LENGTH',
      origin: 'domain',
      category: 'validation',
      message: 'Resident code must have 11 digits: "123"',
    });
  });
});
