// The code block call's schemas: what a granter accepts as a request and a holder accepts as an answer.

import { describe, expect, it } from 'vitest';
import { generateResidentCode } from '../../domain/resident-code.js';
import { isJukinetError } from '../../shared/errors.js';
import { parseCodeBlockRequest, parseCodeBlockResponse } from './code-blocks.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('code block call', () => {
  it('parseCodeBlockRequest() accepts a request id and a size', () => {
    expect(parseCodeBlockRequest({ requestId: 'r-1', size: 500 })).toEqual({ requestId: 'r-1', size: 500 });
  });

  it('parseCodeBlockRequest() refuses an unknown field, a fractional size and an odd request id', () => {
    for (const body of [
      { requestId: 'r-1', size: 5, extra: true },
      { requestId: 'r-1', size: 1.5 },
      { requestId: '', size: 5 },
      { requestId: 'a b', size: 5 },
    ]) {
      const error = thrown(() => parseCodeBlockRequest(body));
      expect(isJukinetError(error, 'JUKI_ERR_REQUEST_INVALID')).toBe(true);
    }
  });

  it('parseCodeBlockResponse() accepts valid distinct codes and refuses a bad check digit or a repeat', () => {
    const codes = [generateResidentCode(), generateResidentCode()];
    expect(parseCodeBlockResponse({ blockId: 'b', codes }, { size: 2 }).codes).toEqual(codes);
    const bad = `${codes[0]!.slice(0, 10)}${(Number(codes[0]![10]) + 1) % 10}`;
    for (const body of [
      { blockId: 'b', codes: [bad] },
      { blockId: 'b', codes: [codes[0], codes[0]] },
      { blockId: 'b', codes: [] },
    ]) {
      const error = thrown(() => parseCodeBlockResponse(body));
      expect(isJukinetError(error, 'JUKI_ERR_CODE_BLOCK_INVALID')).toBe(true);
    }
  });

  it('parseCodeBlockResponse() refuses a block of another size than asked', () => {
    const error = thrown(() =>
      parseCodeBlockResponse({ blockId: 'b', codes: [generateResidentCode()] }, { size: 2 }),
    );
    expect(isJukinetError(error, 'JUKI_ERR_CODE_BLOCK_INVALID')).toBe(true);
  });
});
