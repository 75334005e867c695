// The synthetic population `jukinet up` seeds and the benchmarks drive: households of realistic sizes and make-up,
// kanji names with their katakana readings, birth dates by Japan's age pyramid, real town names from postal data.

import {
  addDays,
  daysBetween,
  findLocalGovernmentByCode,
  isoDateOf,
  japanDateOf,
  LocalGovernmentKind,
  Sex,
  type LocalGovernment,
  type LocalGovernmentCode,
} from '../../domain/index.js';
import { JukinetError, quote } from '../../shared/errors.js';
import {
  BUILDING_NAMES,
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  FOREIGN_NAME_SETS,
  MALE_GIVEN_NAMES,
  namePeriodOf,
  type ForeignNameSet,
} from './names.js';
import { createSeededRandom, type SeededRandom } from './prng.js';
import { townsOf } from './towns.js';

/** 続柄 (relationship to the head of household) as the register writes it. */
export const Relationship = {
  head: '世帯主',
  wife: '妻',
  husband: '夫',
  child: '子',
  father: '父',
  mother: '母',
} as const;
export type Relationship = (typeof Relationship)[keyof typeof Relationship];

/** One synthetic resident. */
export interface SyntheticPerson {
  /** 氏名: family + ' ' + given; kanji for most, capital roman letters for some foreign residents. */
  readonly name: string;
  /** The reading in full-width katakana: family + ' ' + given. */
  readonly nameKana: string;
  /** 通称, for some foreign residents only. */
  readonly commonName?: string;
  readonly sex: Sex;
  /** ISO date. */
  readonly birthDate: string;
  readonly relationship: Relationship;
  readonly foreignResident: boolean;
}

/** One synthetic household (世帯): its address and its members, the head first. */
export interface SyntheticHousehold {
  readonly lgCode: LocalGovernmentCode;
  /** 住所: prefecture, municipality, a real town of it, then 丁目・番・号 or 番地, sometimes an apartment. */
  readonly address: string;
  /** The town (町域) of the address, as the postal data names it. */
  readonly town: string;
  readonly members: readonly SyntheticPerson[];
}

export interface PopulationOptions {
  readonly lgCode: LocalGovernmentCode;
  /** Exactly this many persons, across as many households as it takes. */
  readonly count: number;
  /** The same seed gives the same population. */
  readonly seed: number;
  /** The day the population is as of (ISO date or date-time): ages are counted to it. */
  readonly referenceDate: string;
}

/**
 * Japan's population by five-year age band (0–4, 5–9, …, 95–99, 100+), in thousands, 2020 census. The population's
 * ages follow these weights, the oldest being 104.
 */
export const AGE_PYRAMID: readonly number[] = [
  4541, 4988, 5300, 5599, 5968, 6000, 6396, 7292, 8190, 9595, 8628, 7812, 7409, 8237, 9202, 7110, 5390, 3737,
  1818, 539, 80,
];

/** The oldest age the population holds. */
export const MAX_AGE = 104;

/** Household types and their shares of general households (2020 census: 単独, 夫婦のみ, 夫婦と子, ひとり親と子, その他). */
const HOUSEHOLD_TYPES = [
  'single',
  'couple',
  'couple-children',
  'single-parent',
  'three-generations',
] as const;
type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];
const HOUSEHOLD_WEIGHTS: readonly number[] = [38.0, 20.1, 25.0, 9.0, 7.9];

/** The share of households of foreign residents: smaller households, so about 2.3% of residents. */
const FOREIGN_SHARE = 0.03;

/**
 * A synthetic population of one municipality: deterministic for a seed, with exactly `count` persons. The names, the
 * households and the dates are invented; the towns are real. Test data, never statutory data.
 */
export function generatePopulation(options: PopulationOptions): SyntheticHousehold[] {
  const lg = findLocalGovernmentByCode(options.lgCode);
  if (
    lg === undefined ||
    lg.kind === LocalGovernmentKind.prefecture ||
    lg.kind === LocalGovernmentKind.designatedCity
  ) {
    throw new JukinetError('JUKI_ERR_LG_NOT_FOUND', `${quote(options.lgCode)} is not a municipality or ward`);
  }
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new RangeError(`Cannot generate ${String(options.count)} persons: count must be a whole number`);
  }
  const today = referenceDayOf(options.referenceDate);
  const rng = createSeededRandom(options.seed);
  const towns = townsOf(lg.code);
  const households: SyntheticHousehold[] = [];
  const balance = createAgeBalance();
  let remaining = options.count;
  while (remaining > 0) {
    const foreign = rng.chance(FOREIGN_SHARE);
    const members = foreign ? foreignHousehold(rng, today) : japaneseHousehold(rng, today);
    const ages = members.map((member) => ageOn(member.birthDate, today));
    if (!rng.chance(balance.acceptance(ages))) continue;
    balance.add(ages);
    const kept = members.slice(0, remaining);
    remaining -= kept.length;
    const { address, town } = addressIn(rng, lg, towns);
    households.push({ lgCode: lg.code, address, town, members: kept });
  }
  return households;
}

/** Full years from the birth date to the reference day. */
export function ageOn(birthDate: string, referenceDate: string): number {
  const today = referenceDayOf(referenceDate);
  let age = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (today.slice(5) < birthDate.slice(5)) age -= 1;
  return age;
}

function referenceDayOf(referenceDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) return referenceDate;
  const instant = new Date(referenceDate);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`Cannot read reference date ${JSON.stringify(referenceDate)}`);
  }
  return japanDateOf(instant);
}

// --- ages and dates ---------------------------------------------------------------------------------------------

/** An age in [min, max] drawn from the pyramid restricted to that range. */
function sampleAge(rng: SeededRandom, min: number, max: number): number {
  const lo = Math.max(0, min);
  const hi = Math.min(MAX_AGE, max);
  if (hi <= lo) return lo;
  const weights = AGE_PYRAMID.map((weight, band) => {
    const bandLo = band * 5;
    const bandHi = band === AGE_PYRAMID.length - 1 ? MAX_AGE : bandLo + 4;
    const overlap = Math.min(hi, bandHi) - Math.max(lo, bandLo) + 1;
    return overlap <= 0 ? 0 : (weight * overlap) / (bandHi - bandLo + 1);
  });
  const band = rng.weightedIndex(weights);
  const bandLo = band * 5;
  const bandHi = band === AGE_PYRAMID.length - 1 ? MAX_AGE : bandLo + 4;
  return rng.integer(Math.max(lo, bandLo), Math.min(hi, bandHi));
}

/**
 * Keeps the ages of the population near AGE_PYRAMID while it grows household by household: a household whose members
 * fall in bands already over-represented is accepted less often (a greedy post-stratification).
 */
function createAgeBalance(): {
  acceptance(ages: readonly number[]): number;
  add(ages: readonly number[]): void;
} {
  const total = AGE_PYRAMID.reduce((sum, weight) => sum + weight, 0);
  const target = AGE_PYRAMID.map((weight) => weight / total);
  // A prior of 50 persons spread as the pyramid, so that the first households are not judged on nothing.
  const counts = target.map((share) => share * 50);
  let persons = 50;
  const bandOf = (age: number): number => Math.min(AGE_PYRAMID.length - 1, Math.floor(age / 5));
  return {
    acceptance(ages) {
      let factor = 1;
      for (const age of ages) {
        const band = bandOf(age);
        factor *= target[band]! / (counts[band]! / persons);
      }
      return Math.min(1, factor / 2);
    },
    add(ages) {
      for (const age of ages) counts[bandOf(age)]! += 1;
      persons += ages.length;
    },
  };
}

/** The same month and day `years` years before, 02-29 becoming 02-28 in a common year. */
function yearsBefore(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) - years;
  const month = Number(day.slice(5, 7));
  let date = Number(day.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && date === 29 && !leap) date = 28;
  return isoDateOf(year, month, date);
}

/** A birth date of someone exactly `age` full years old on `today`. */
function birthDateFor(rng: SeededRandom, age: number, today: string): string {
  const earliest = addDays(yearsBefore(today, age + 1), 1);
  const latest = yearsBefore(today, age);
  return addDays(earliest, rng.integer(0, daysBetween(earliest, latest)));
}

// --- households -------------------------------------------------------------------------------------------------

interface Draft {
  readonly age: number;
  readonly sex: Sex;
  readonly relationship: Relationship;
}

/** The age of a child of a mother aged `motherAge`: a gap of 21–44 years, at most `maxAge`. */
function childAge(rng: SeededRandom, motherAge: number, maxAge: number): number | undefined {
  const lo = Math.max(0, motherAge - 44);
  const hi = Math.min(maxAge, motherAge - 21);
  return hi < lo ? undefined : sampleAge(rng, lo, hi);
}

function spouseAge(rng: SeededRandom, husbandAge: number): number {
  const gap = [-1, 0, 1, 2, 2, 3, 3, 4, 5, 7][rng.integer(0, 9)]!;
  return Math.min(MAX_AGE, Math.max(18, husbandAge - gap));
}

function childrenOf(
  rng: SeededRandom,
  motherAge: number,
  options: { count: number; maxAge: number },
): Draft[] {
  const children: Draft[] = [];
  for (let i = 0; i < options.count; i++) {
    const age = childAge(rng, motherAge, options.maxAge);
    if (age === undefined) break;
    children.push({ age, sex: rng.chance(0.512) ? Sex.male : Sex.female, relationship: Relationship.child });
  }
  return children.sort((a, b) => b.age - a.age);
}

/** A couple, the head first: usually the husband, sometimes the wife. */
function couple(rng: SeededRandom, husbandAge: number): Draft[] {
  const wifeAge = spouseAge(rng, husbandAge);
  if (rng.chance(0.1)) {
    return [
      { age: wifeAge, sex: Sex.female, relationship: Relationship.head },
      { age: husbandAge, sex: Sex.male, relationship: Relationship.husband },
    ];
  }
  return [
    { age: husbandAge, sex: Sex.male, relationship: Relationship.head },
    { age: wifeAge, sex: Sex.female, relationship: Relationship.wife },
  ];
}

function motherAgeOf(members: readonly Draft[]): number {
  return members.find((member) => member.sex === Sex.female)?.age ?? members[0]!.age;
}

function childCount(rng: SeededRandom): number {
  return [1, 1, 1, 1, 2, 2, 2, 2, 2, 3][rng.integer(0, 9)]!;
}

function draftHousehold(rng: SeededRandom, type: HouseholdType): Draft[] {
  switch (type) {
    case 'single': {
      // A third of one-person households are people over 65 living alone (2020 census).
      const age = rng.chance(0.4) ? sampleAge(rng, 65, MAX_AGE) : sampleAge(rng, 18, 64);
      return [
        {
          age,
          sex: rng.chance(age >= 75 ? 0.3 : 0.55) ? Sex.male : Sex.female,
          relationship: Relationship.head,
        },
      ];
    }
    case 'couple':
      // Most couples living alone are past child-rearing: empty nests and retirees.
      return couple(rng, rng.chance(0.75) ? sampleAge(rng, 55, 98) : sampleAge(rng, 24, 54));
    case 'couple-children': {
      const parents = couple(rng, sampleAge(rng, 27, 66));
      return [...parents, ...childrenOf(rng, motherAgeOf(parents), { count: childCount(rng), maxAge: 39 })];
    }
    case 'single-parent': {
      const mother = rng.chance(0.85);
      const age = sampleAge(rng, 24, 70);
      const head: Draft = { age, sex: mother ? Sex.female : Sex.male, relationship: Relationship.head };
      const children = childrenOf(rng, mother ? age : Math.max(18, age - 3), {
        count: rng.chance(0.6) ? 1 : 2,
        maxAge: 39,
      });
      return [head, ...children];
    }
    case 'three-generations': {
      const parents = couple(rng, sampleAge(rng, 36, 64));
      const husband = parents.find((member) => member.sex === Sex.male)!;
      const elders: Draft[] = [];
      const elderMotherAge = Math.min(MAX_AGE, husband.age + rng.integer(22, 40));
      if (rng.chance(0.45) && elderMotherAge + 3 <= MAX_AGE) {
        elders.push({
          age: elderMotherAge + rng.integer(0, 3),
          sex: Sex.male,
          relationship: Relationship.father,
        });
      }
      elders.push({ age: elderMotherAge, sex: Sex.female, relationship: Relationship.mother });
      const children = childrenOf(rng, motherAgeOf(parents), { count: childCount(rng), maxAge: 29 });
      // The husband's parents: he heads the household, so they are 父 and 母 (the wife, if head, would make them 夫の父).
      const head: Draft = { ...husband, relationship: Relationship.head };
      const wife = parents.find((member) => member.sex === Sex.female)!;
      return [head, { ...wife, relationship: Relationship.wife }, ...elders, ...children];
    }
  }
}

function japaneseHousehold(rng: SeededRandom, today: string): SyntheticPerson[] {
  const drafts = draftHousehold(rng, HOUSEHOLD_TYPES[rng.weightedIndex(HOUSEHOLD_WEIGHTS)]!);
  // Frequency of family names falls with their rank; a 1/(rank+8) weighting gives a realistic long tail.
  const [family, familyKana] =
    FAMILY_NAMES[rng.weightedIndex(FAMILY_NAMES.map((_, rank) => 1 / (rank + 8)))]!;
  return drafts.map((draft) => {
    const birthDate = birthDateFor(rng, draft.age, today);
    const period = namePeriodOf(Number(birthDate.slice(0, 4)));
    const [given, givenKana] = rng.pick(
      draft.sex === Sex.male ? MALE_GIVEN_NAMES[period] : FEMALE_GIVEN_NAMES[period],
    );
    return {
      name: `${family} ${given}`,
      nameKana: `${familyKana} ${givenKana}`,
      sex: draft.sex,
      birthDate,
      relationship: draft.relationship,
      foreignResident: false,
    };
  });
}

function foreignHousehold(rng: SeededRandom, today: string): SyntheticPerson[] {
  const set = rng.pick(FOREIGN_NAME_SETS);
  const type = rng.weightedIndex([60, 20, 20]);
  // Foreign residents are mostly of working age (students, trainees, workers) and their families.
  const drafts =
    type === 0
      ? [
          {
            age: sampleAge(rng, 18, 60),
            sex: rng.chance(0.55) ? Sex.male : Sex.female,
            relationship: Relationship.head,
          },
        ]
      : type === 1
        ? couple(rng, sampleAge(rng, 22, 70))
        : (() => {
            const parents = couple(rng, sampleAge(rng, 26, 55));
            return [
              ...parents,
              ...childrenOf(rng, motherAgeOf(parents), { count: childCount(rng), maxAge: 24 }),
            ];
          })();
  const household = rng.pick(set.family);
  return drafts.map((draft) => {
    // Children take the head's family name; a spouse keeps their own.
    const [family, familyKana] =
      draft.relationship === Relationship.wife || draft.relationship === Relationship.husband
        ? rng.pick(set.family)
        : household;
    const birthDate = birthDateFor(rng, draft.age, today);
    const [given, givenKana] = rng.pick(draft.sex === Sex.male ? set.male : set.female);
    const commonName = commonNameFor(rng, set, { sex: draft.sex, birthDate });
    return {
      name: `${family} ${given}`,
      nameKana: `${familyKana} ${givenKana}`,
      ...(commonName === undefined ? {} : { commonName }),
      sex: draft.sex,
      birthDate,
      relationship: draft.relationship,
      foreignResident: true,
    };
  });
}

/** Some residents of origins with a tradition of 通称 register a Japanese-style name. */
function commonNameFor(
  rng: SeededRandom,
  set: ForeignNameSet,
  person: { sex: Sex; birthDate: string },
): string | undefined {
  if (set.commonFamily === undefined || !rng.chance(0.4)) return undefined;
  const [family] = rng.pick(set.commonFamily);
  const period = namePeriodOf(Number(person.birthDate.slice(0, 4)));
  const [given] = rng.pick(person.sex === Sex.male ? MALE_GIVEN_NAMES[period] : FEMALE_GIVEN_NAMES[period]);
  return `${family} ${given}`;
}

// --- addresses --------------------------------------------------------------------------------------------------

const KANJI_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

function kanjiNumber(n: number): string {
  if (n < 10) return KANJI_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : KANJI_DIGITS[tens]!}十${KANJI_DIGITS[n % 10]!}`;
}

/** Whether a town is written with 丁目 (urban 住居表示) rather than 番地: by a stable hash of its name. */
function usesChome(lg: LocalGovernment, town: string): boolean {
  if (lg.kind === LocalGovernmentKind.specialWard || lg.kind === LocalGovernmentKind.ward) return true;
  let hash = 0;
  for (const char of town) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 10 < 4;
}

function addressIn(
  rng: SeededRandom,
  lg: LocalGovernment,
  towns: readonly string[],
): { address: string; town: string } {
  const town = towns.length === 0 ? '' : rng.pick(towns);
  const base = `${lg.prefecture}${lg.fullName}${town}`;
  if (town !== '' && usesChome(lg, town)) {
    const street = `${kanjiNumber(rng.integer(1, 6))}丁目${rng.integer(1, 30)}番${rng.integer(1, 25)}号`;
    if (!rng.chance(0.45)) return { address: `${base}${street}`, town };
    const building = rng.pick(BUILDING_NAMES).replace('*', town);
    const room = `${rng.integer(1, 9)}${String(rng.integer(1, 12)).padStart(2, '0')}`;
    return { address: `${base}${street} ${building}${room}号室`, town };
  }
  const lot = rng.integer(1, 2500);
  const sub = rng.chance(0.6) ? `${rng.integer(1, 30)}` : '';
  const address = `${base}${lot}番地${sub}`;
  if (!rng.chance(0.15)) return { address, town };
  const building = rng.pick(BUILDING_NAMES).replace('*', town === '' ? lg.name : town);
  return { address: `${address} ${building}${rng.integer(1, 3)}0${rng.integer(1, 8)}号室`, town };
}
