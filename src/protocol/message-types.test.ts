import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BugIndicatingError } from '../shared/assert.js';
import { isJukinetError, type JukinetError } from '../shared/errors.js';
import { createMessageRegistry, defineMessage, parseMessageBody } from './message-types.js';
import { ALL_MESSAGES, nodePing } from './messages/index.js';

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('defineMessage()', () => {
  it('accepts "<area>.<name>" at version 1 and "-vN" from version 2', () => {
    expect(
      defineMessage({ type: 'identity.changed', version: 1, body: z.object({}), description: 'x' }).type,
    ).toBe('identity.changed');
    expect(
      defineMessage({ type: 'identity.changed-v2', version: 2, body: z.object({}), description: 'x' })
        .version,
    ).toBe(2);
  });

  it.each([
    ['ping', 1],
    ['Node.ping', 1],
    ['node.ping-v2', 1],
    ['node.ping', 2],
    ['node.ping-v3', 2],
    ['node.ping', 0],
  ])('refuses type %j at version %j as a bug', (type, version) => {
    expect(() => defineMessage({ type, version, body: z.object({}), description: 'x' })).toThrow(
      BugIndicatingError,
    );
  });
});

describe('MessageRegistry', () => {
  const registry = createMessageRegistry(ALL_MESSAGES);

  it('knows node.ping and parses its body', () => {
    expect(registry.types()).toContain('node.ping');
    expect(registry.get('node.ping')).toBe(nodePing);
    expect(registry.parseBody('node.ping', { note: 'link check' })).toEqual({ note: 'link check' });
    expect(parseMessageBody(nodePing, {})).toEqual({});
  });

  it('refuses an unknown type with JUKI_ERR_MESSAGE_TYPE_UNKNOWN', () => {
    expect(registry.has('identity.teleported')).toBe(false);
    const error = caught(() => registry.parseBody('identity.teleported', {}));
    expect(isJukinetError(error, 'JUKI_ERR_MESSAGE_TYPE_UNKNOWN')).toBe(true);
    expect((error as JukinetError).message).toBe('Unknown message type: "identity.teleported"');
    expect(
      isJukinetError(
        caught(() => registry.get('identity.teleported')),
        'JUKI_ERR_MESSAGE_TYPE_UNKNOWN',
      ),
    ).toBe(true);
  });

  it('refuses a bad body with JUKI_ERR_MESSAGE_BODY_INVALID naming the field', () => {
    expect(
      isJukinetError(
        caught(() => registry.parseBody('node.ping', {})),
        'JUKI_ERR_MESSAGE_BODY_INVALID',
      ),
    ).toBe(false);
    expect(
      isJukinetError(
        caught(() => registry.parseBody('node.ping', { note: 42 })),
        'JUKI_ERR_MESSAGE_BODY_INVALID',
      ),
    ).toBe(true);
    expect(() => registry.parseBody('node.ping', { note: 42 })).toThrow(
      /^Invalid message body: "node\.ping": body\.note: /,
    );
    expect(() => registry.parseBody('node.ping', null)).toThrow(/"node\.ping": body: /);
  });

  it('refuses body fields the type does not define, so nothing unsigned-for is taken as understood', () => {
    expect(() => registry.parseBody('node.ping', { note: 'x', addedLater: true })).toThrow(
      /body: Unrecognized key: "addedLater"/,
    );
  });

  it('parses a node.relay body holding the originator envelope, and refuses a broken one naming the inner field', () => {
    const original = {
      v: 1,
      id: '0196a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
      type: 'identity.changed',
      from: 'muni-131059',
      to: 'pref-13',
      at: '2025-04-01T00:00:00.000Z',
      seq: 42,
      body: { change: {} },
      sig: 'c2lnbmF0dXJl',
    };
    expect(registry.parseBody('node.relay', { original })).toEqual({ original });
    expect(() => registry.parseBody('node.relay', { original: { ...original, seq: 0 } })).toThrow(
      /"node\.relay": body\.original\.seq: must be a positive integer/,
    );
    expect(() => registry.parseBody('node.relay', { original: { ...original, type: 'node.relay' } })).toThrow(
      /body\.original\.type: must not itself be a relay/,
    );
  });

  it('treats registering a type twice as a bug', () => {
    expect(() => createMessageRegistry([nodePing, nodePing])).toThrow(BugIndicatingError);
  });
});
