import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHILD, HEAD, LODGER, requestOf } from './testing/certificate-fixtures.js';
import {
  CERTIFICATE_ITEMS,
  CertificateKind,
  ForeignResidentCategory,
  type CertificateItem,
  type CertificatePerson,
  type CertificateRequest,
} from './certificate-request.js';
import { ITEMS_OMITTED_UNLESS_REQUESTED, selectItems } from './item-selection.js';

const PROTECTED = Object.keys(
  ITEMS_OMITTED_UNLESS_REQUESTED,
) as (keyof typeof ITEMS_OMITTED_UNLESS_REQUESTED)[];

function itemsOf(request: CertificateRequest, id: string): readonly CertificateItem[] {
  const block = selectItems(request).persons.find(({ person }) => person.id === id);
  if (block === undefined) throw new Error(`no block for ${id}`);
  return block.items;
}

describe('selectItems()', () => {
  it('prints a copy without 続柄, 本籍・筆頭者 and 住民票コード when nobody asked for them', () => {
    const items = itemsOf(requestOf(), HEAD.id);
    expect(items).toEqual([
      'name',
      'birth-date',
      'sex',
      'resident-since',
      'address-since',
      'address-notified-on',
      'previous-address',
    ]);
    expect(selectItems(requestOf()).household).toEqual(['address', 'household-head']);
  });

  it('prints 続柄, 本籍・筆頭者 and 住民票コード on a copy when asked for and permitted', () => {
    const request = requestOf({ requestedItems: ['domicile', 'relationship', 'resident-code'] });
    expect(itemsOf(request, HEAD.id)).toEqual(
      expect.arrayContaining(['domicile', 'relationship', 'resident-code']),
    );
  });

  it('leaves out each of them when asked for but not permitted', () => {
    const request = requestOf({
      requestedItems: ['domicile', 'relationship', 'resident-code'],
      permitted: { domicile: false, relationship: true, residentCode: false },
    });
    const items = itemsOf(request, HEAD.id);
    expect(items).toContain('relationship');
    expect(items).not.toContain('domicile');
    expect(items).not.toContain('resident-code');
  });

  it('never prints 本籍・筆頭者 for a foreign resident, and prints the foreign-resident items', () => {
    const request = requestOf({ requestedItems: ['domicile', 'relationship', 'resident-code'] });
    const items = itemsOf(request, LODGER.id);
    expect(items).not.toContain('domicile');
    expect(items).toEqual(
      expect.arrayContaining([
        'common-name',
        'nationality',
        'foreign-resident-category',
        'residence-status',
        'period-of-stay',
        'residence-card-number',
      ]),
    );
    expect(itemsOf(request, HEAD.id)).not.toContain('nationality');
  });

  it('skips items the person does not hold', () => {
    const items = itemsOf(requestOf(), CHILD.id);
    expect(items).not.toContain('address-since');
    expect(items).not.toContain('previous-address');
  });

  it('prints on a 記載事項証明書 only the requested items, and the name to say whose they are', () => {
    const request = requestOf({
      kind: CertificateKind.recordedItemsCertificate,
      requestedItems: ['birth-date', 'resident-code'],
      permitted: { domicile: true, relationship: true, residentCode: false },
    });
    expect(itemsOf(request, HEAD.id)).toEqual(['name', 'birth-date']);
    expect(selectItems(request).household).toEqual([]);
    const withAddress = requestOf({
      kind: CertificateKind.recordedItemsCertificate,
      requestedItems: ['address'],
    });
    expect(selectItems(withAddress).household).toEqual(['address']);
  });

  it('keeps the chosen members in the order chosen', () => {
    const request = requestOf({ memberIds: [CHILD.id, HEAD.id] });
    expect(selectItems(request).persons.map(({ person }) => person.id)).toEqual([CHILD.id, HEAD.id]);
  });

  it('prints 続柄, 本籍・筆頭者 and 住民票コード exactly when requested, permitted and held (property)', () => {
    const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
    const person: fc.Arbitrary<CertificatePerson> = fc
      .record({
        relationship: optional(fc.constantFrom('世帯主', '妻', '子')),
        domicile: optional(fc.constant({ place: '東京都文京区春日一丁目16番', head: '文京 太郎' })),
        residentCode: optional(fc.constant(HEAD.residentCode ?? '')),
        residentSince: optional(fc.constant('2010-04-01')),
        foreignResident: optional(
          fc.record({
            nationality: fc.constant('米国'),
            category: fc.constantFrom(...Object.values(ForeignResidentCategory)),
          }),
        ),
      })
      .map((parts) => {
        const defined = Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined));
        return {
          id: '',
          name: '文京 太郎',
          birthDate: '1980-04-01',
          sex: 'male',
          ...defined,
        };
      });
    const request: fc.Arbitrary<CertificateRequest> = fc
      .record({
        kind: fc.constantFrom(...Object.values(CertificateKind)),
        members: fc.array(person, { minLength: 1, maxLength: 4 }),
        requestedItems: fc.subarray([...CERTIFICATE_ITEMS]),
        permitted: fc.record({
          domicile: fc.boolean(),
          relationship: fc.boolean(),
          residentCode: fc.boolean(),
        }),
      })
      .map(({ kind, members, requestedItems, permitted }) =>
        requestOf({
          kind,
          household: {
            address: '東京都文京区春日一丁目16番21号',
            head: '文京 太郎',
            members: members.map((member, index) => ({ ...member, id: `p${index}` })),
          },
          requestedItems,
          permitted,
        }),
      );

    fc.assert(
      fc.property(request, (req) => {
        const selection = selectItems(req);
        for (const { person, items } of selection.persons) {
          const held = {
            domicile: person.domicile !== undefined && person.foreignResident === undefined,
            relationship: person.relationship !== undefined,
            'resident-code': person.residentCode !== undefined,
          };
          for (const item of PROTECTED) {
            const allowed =
              req.requestedItems.includes(item) && req.permitted[ITEMS_OMITTED_UNLESS_REQUESTED[item]];
            if (!allowed) expect(items).not.toContain(item);
            if (allowed && held[item]) expect(items).toContain(item);
          }
          if (person.foreignResident !== undefined) expect(items).not.toContain('domicile');
          if (req.kind === CertificateKind.recordedItemsCertificate) {
            for (const item of [...items, ...selection.household]) {
              expect(item === 'name' || req.requestedItems.includes(item)).toBe(true);
            }
          }
        }
      }),
      { seed: 20240401, numRuns: 500 },
    );
  });
});
