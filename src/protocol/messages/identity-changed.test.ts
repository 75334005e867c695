import { describe, expect, it } from 'vitest';
import { createMessageRegistry } from '../message-types.js';
import { ALL_MESSAGES } from './index.js';
import { identityChanged } from './identity-changed.js';

const change = {
  residentCode: '12345678903',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1980-04-01',
  sex: 'male',
  address: '東京都文京区本郷一丁目1番1号',
  lgCode: '131059',
  foreignResident: false,
  change: { reason: 'move-in', date: '2024-04-01' },
};

function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('identity.changed', () => {
  const registry = createMessageRegistry(ALL_MESSAGES);

  it('identity.changed is version 1 and in ALL_MESSAGES', () => {
    expect(identityChanged.type).toBe('identity.changed');
    expect(identityChanged.version).toBe(1);
    expect(registry.has('identity.changed')).toBe(true);
  });

  it('parseBody() accepts the identity information after a change', () => {
    expect(registry.parseBody('identity.changed', { change })).toEqual({ change });
  });

  it('parseBody() refuses a wrong check digit, naming the field', () => {
    const error = refusal(() =>
      registry.parseBody('identity.changed', { change: { ...change, residentCode: '12345678901' } }),
    );
    expect(error).toMatchObject({ code: 'JUKI_ERR_MESSAGE_BODY_INVALID' });
    expect((error as Error).message).toContain('residentCode');
  });

  it('parseBody() refuses a field besides change', () => {
    const error = refusal(() => registry.parseBody('identity.changed', { change, extra: 1 }));
    expect(error).toMatchObject({ code: 'JUKI_ERR_MESSAGE_BODY_INVALID' });
  });

  it('parseBody() refuses a change dated before the birth', () => {
    const error = refusal(() =>
      registry.parseBody('identity.changed', {
        change: { ...change, change: { reason: 'move-in', date: '1970-01-01' } },
      }),
    );
    expect(error).toMatchObject({ code: 'JUKI_ERR_MESSAGE_BODY_INVALID' });
  });
});

describe('identity.changed with a code change', () => {
  const registry = createMessageRegistry(ALL_MESSAGES);
  const codeChange = {
    ...change,
    residentCode: '98765432103',
    change: { reason: 'code-change', date: '2024-04-01' },
  };

  it('parseBody() accepts a code change naming the old code', () => {
    const body = { change: codeChange, previousResidentCode: '12345678903' };
    expect(registry.parseBody('identity.changed', body)).toEqual(body);
  });

  it('parseBody() refuses a code change without the old code, and an old code on another change', () => {
    for (const body of [{ change: codeChange }, { change, previousResidentCode: '12345678903' }]) {
      const error = refusal(() => registry.parseBody('identity.changed', body));
      expect(error).toMatchObject({ code: 'JUKI_ERR_MESSAGE_BODY_INVALID' });
      expect((error as Error).message).toContain('previousResidentCode');
    }
  });

  it('parseBody() refuses an old code with a wrong check digit', () => {
    const error = refusal(() =>
      registry.parseBody('identity.changed', { change: codeChange, previousResidentCode: '12345678901' }),
    );
    expect(error).toMatchObject({ code: 'JUKI_ERR_MESSAGE_BODY_INVALID' });
  });
});
