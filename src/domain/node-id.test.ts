import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import { isNodeId, nodeIdOf, parseNodeId, prefectureNodeOf, roleOf, type NodeId } from './node-id.js';

describe('parseNodeId()', () => {
  it('parses each kind of node id with its role and details', () => {
    expect(parseNodeId('national')).toEqual({ role: 'national', id: 'national' });
    expect(parseNodeId('pref-13')).toEqual({ role: 'prefecture', id: 'pref-13', prefecture: '13' });
    expect(parseNodeId('muni-131059')).toEqual({ role: 'municipality', id: 'muni-131059', lgCode: '131059' });
    expect(parseNodeId('agency-mhlw')).toEqual({ role: 'agency', id: 'agency-mhlw', agency: 'mhlw' });
    expect(parseNodeId('agency-soumu-2')).toEqual({
      role: 'agency',
      id: 'agency-soumu-2',
      agency: 'soumu-2',
    });
  });

  it.each([
    ['', /expected national, pref-NN/],
    ['National', /expected national/],
    ['pref-00', /prefecture must be 01-47/],
    ['pref-48', /prefecture must be 01-47/],
    ['pref-1', /expected national/],
    ['muni-13105', /6-digit local government code/],
    ['muni-131058', /6-digit local government code/],
    ['muni-480002', /prefecture must be 01-47/],
    ['agency-', /expected national/],
    ['agency-MHLW', /expected national/],
    ['agency-mhlw-', /expected national/],
  ])('refuses %j with JUKI_ERR_NODE_ID', (input, message) => {
    let caught: unknown;
    try {
      parseNodeId(input);
    } catch (error) {
      caught = error;
    }
    expect(isJukinetError(caught, 'JUKI_ERR_NODE_ID')).toBe(true);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toContain(JSON.stringify(input));
  });
});

describe('isNodeId(), nodeIdOf() and roleOf()', () => {
  it('tell valid ids from invalid ones and give the role', () => {
    expect(isNodeId('pref-01')).toBe(true);
    expect(isNodeId('pref-01 ')).toBe(false);
    expect(nodeIdOf('muni-012254')).toBe('muni-012254');
    expect(() => nodeIdOf('muni-012255')).toThrow(/Invalid node id/);
    expect(roleOf('national')).toBe('national');
    expect(roleOf('pref-47')).toBe('prefecture');
    expect(roleOf('muni-312011')).toBe('municipality');
    expect(roleOf('agency-jlis')).toBe('agency');
  });
});

describe('prefectureNodeOf()', () => {
  it('gives the prefectural node of a municipality or prefecture, and nothing for national or agencies', () => {
    expect(prefectureNodeOf('muni-131059' as NodeId)).toBe('pref-13');
    expect(prefectureNodeOf('muni-011011' as NodeId)).toBe('pref-01');
    expect(prefectureNodeOf('pref-27' as NodeId)).toBe('pref-27');
    expect(prefectureNodeOf('national' as NodeId)).toBeUndefined();
    expect(prefectureNodeOf('agency-mhlw' as NodeId)).toBeUndefined();
  });
});
