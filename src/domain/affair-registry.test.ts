// The affair registry (別表) as data: the shipped file passes its schema, a broken file is refused with every reason,
// and the permission matrix is exactly "registered for the affair, and the registry lists it for the kind".

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  AgencyCategory,
  BUILT_IN_AFFAIR_REGISTRY,
  affairsOfKind,
  checkAgencyRegistration,
  mayUseAffair,
  parseAffairRegistry,
  type AffairRegistry,
} from './affair-registry.js';

const SEED = { seed: 20240401, numRuns: 300 };

function refusal(value: unknown): string {
  try {
    parseAffairRegistry(value);
  } catch (error) {
    if (isJukinetError(error, 'JUKI_ERR_REGISTRY_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the registry to be refused');
}

describe('the built-in registry (data/beppyo/v1.json)', () => {
  it('is version 1 with an effective date and lists the examples of DOMAIN.md, each with a legal basis', () => {
    const registry = BUILT_IN_AFFAIR_REGISTRY;
    expect(registry.version).toBe(1);
    expect(registry.effectiveDate).toBe('2024-04-01');
    const names = registry.affairs.map((affair) => `${affair.kind}:${affair.legalBasis.law}`);
    for (const expected of [
      'mic:恩給法',
      'mutual-aid:国家公務員共済組合法',
      'mhlw:戦傷病者戦没者遺族等援護法',
      'mhlw:労働者災害補償保険法',
      'mhlw:雇用保険法',
      'governor:児童扶養手当法',
      'governor:旅券法',
      'governor:宅地建物取引業法',
      'mic:電波法',
      'mlit:不動産の鑑定評価に関する法律',
      'mlit:建設業法',
      'governor:建設業法',
      'mlit:旅行業法',
      'mlit:建築士法',
      'jma:気象業務法',
      'election-board:公職選挙法',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('has only public-sector kinds', () => {
    const categories = new Set<string>(Object.values(AgencyCategory));
    for (const kind of BUILT_IN_AFFAIR_REGISTRY.kinds) expect(categories.has(kind.category)).toBe(true);
  });
});

describe('parseAffairRegistry()', () => {
  const base: AffairRegistry = structuredClone(BUILT_IN_AFFAIR_REGISTRY);

  it('refuses a private-sector kind: the schema has no such category', () => {
    const registry = {
      ...base,
      kinds: [...base.kinds, { id: 'bank', name: '銀行', category: 'private-sector' }],
    };
    expect(refusal(registry)).toMatch(/registry\.kinds\.7\.category/);
  });

  it('refuses an affair of a kind the file does not list, an id used twice, an unknown field and a bad date', () => {
    const first = base.affairs[0]!;
    const message = refusal({
      ...base,
      effectiveDate: '2024-02-30',
      affairs: [...base.affairs, { ...first }, { ...first, id: 'x-affair', kind: 'unknown-kind' }],
      extra: true,
    });
    expect(message).toMatch(/registry\.effectiveDate/);
    expect(message).toMatch(/"mic-pension" twice/);
    expect(message).toMatch(/"unknown-kind" is not a kind of this registry/);
    expect(message).toMatch(/extra/);
  });

  it('refuses a version below 1 and a row without a legal basis', () => {
    const { legalBasis: _basis, ...bare } = base.affairs[0]!;
    const message = refusal({ ...base, version: 0, affairs: [bare] });
    expect(message).toMatch(/registry\.version/);
    expect(message).toMatch(/registry\.affairs\.0\.legalBasis/);
  });

  it('gives back exactly what it was given (so a signature over the file covers what is used)', () => {
    expect(parseAffairRegistry(structuredClone(base))).toEqual(base);
  });
});

describe('checkAgencyRegistration()', () => {
  const registry = BUILT_IN_AFFAIR_REGISTRY;

  it('accepts affairs of the kind, in registry order without duplicates', () => {
    expect(
      checkAgencyRegistration(registry, 'mhlw', [
        'mhlw-unemployment-benefit',
        'mhlw-workers-compensation',
        'mhlw-unemployment-benefit',
      ]),
    ).toEqual({ ok: true, value: ['mhlw-workers-compensation', 'mhlw-unemployment-benefit'] });
  });

  it('refuses a kind the registry does not list, such as a private company, no affairs, and affairs of another kind', () => {
    expect(checkAgencyRegistration(registry, 'private-bank', ['mic-pension'])).toEqual({
      ok: false,
      reason: { kind: 'unknown-kind', agencyKind: 'private-bank' },
    });
    expect(checkAgencyRegistration(registry, 'mhlw', [])).toEqual({
      ok: false,
      reason: { kind: 'no-affairs' },
    });
    expect(checkAgencyRegistration(registry, 'mhlw', ['mic-pension', 'mhlw-unemployment-benefit'])).toEqual({
      ok: false,
      reason: { kind: 'affair-not-for-kind', affairs: ['mic-pension'] },
    });
  });
});

describe('mayUseAffair(): the permission matrix', () => {
  const registry = BUILT_IN_AFFAIR_REGISTRY;
  const kinds = registry.kinds.map((kind) => kind.id);
  const affairIds = [...registry.affairs.map((affair) => affair.id), 'not-in-registry'];

  it('allows exactly the affairs the agency is registered for that the registry lists for its kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds, 'private-bank'),
        fc.subarray(affairIds),
        fc.constantFrom(...affairIds),
        (kind, registered, cited) => {
          const expected =
            registered.includes(cited) && affairsOfKind(registry, kind).some((affair) => affair.id === cited);
          expect(mayUseAffair(registry, { kind, affairs: registered }, cited)).toBe(expected);
        },
      ),
      SEED,
    );
  });

  it('withdraws an affair from registered agencies when a new registry version drops its row', () => {
    fc.assert(
      fc.property(fc.constantFrom(...registry.affairs), (dropped) => {
        const next: AffairRegistry = {
          ...registry,
          version: 2,
          affairs: registry.affairs.filter((affair) => affair.id !== dropped.id),
        };
        const agency = { kind: dropped.kind, affairs: [dropped.id] };
        expect(mayUseAffair(registry, agency, dropped.id)).toBe(true);
        expect(mayUseAffair(next, agency, dropped.id)).toBe(false);
      }),
      SEED,
    );
  });

  it('a registration accepted by checkAgencyRegistration allows each of its affairs and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.constantFrom(...affairIds), (kind, cited) => {
        const all = affairsOfKind(registry, kind).map((affair) => affair.id);
        const checked = checkAgencyRegistration(registry, kind, all);
        expect(checked.ok).toBe(true);
        if (!checked.ok) return;
        expect(mayUseAffair(registry, { kind, affairs: checked.value }, cited)).toBe(all.includes(cited));
      }),
      SEED,
    );
  });
});
