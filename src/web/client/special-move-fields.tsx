// The fields of the one-visit move's two 届出 (転入転出の特例, docs/special-move.md) inside the 届出 form
// (notification-form.tsx), with their checks and the requests they make: the 付記転出届 (planned date, 転出先 by LG code
// and address, the members moving along) and the 特例転入届 (the new address and the household, the persons' items
// coming from the 転出証明書情報).

import { Fragment, type ReactNode } from 'react';
import { checkLocalGovernmentCode, findLocalGovernmentByCode } from '../../domain/index.js';
import { checkDate, checkLength, checkRequired, normaliseDate } from './field-checks.js';
import { CheckboxField, FieldGroup, RadioGroup } from './form-fields.js';
import type { OutInfoView } from './out-info-view.js';

/** The form's values by field name, as notification-form.tsx keeps them; check boxes hold 'true' or ''. */
type Values = Readonly<Record<string, string>>;

/** The form's own field builders and state, lent to these fields so they look and check like every other. */
export interface FormKit {
  readonly value: (key: string) => string;
  readonly set: (key: string) => (value: string) => void;
  readonly setFlag: (key: string) => (checked: boolean) => void;
  /** The field's message once it is due. */
  readonly shown: (key: string) => string | undefined;
  readonly textField: (
    key: string,
    label: string,
    options?: { required?: boolean; help?: string },
  ) => ReactNode;
  readonly dateField: (key: string, label: string, required?: boolean) => ReactNode;
  readonly relationshipField: (key: string, label: string, required?: boolean) => ReactNode;
}

/** A member of the household as the form offers it. */
interface Member {
  readonly id: string;
  readonly name: string;
  readonly relationship?: string;
}

const HEAD = '世帯主';
const LG_CODE_HELP = '6桁の全国地方公共団体コード（例: 312011）';

/** A 転出先 LG code as typed: its municipality's name, or why it is not one. */
export function destinationOf(input: string): { name?: string; error?: string } {
  const value = input.normalize('NFKC').trim();
  if (value === '') return { error: '入力してください' };
  const checked = checkLocalGovernmentCode(value);
  const found = checked.ok && value.length === 6 ? findLocalGovernmentByCode(checked.value) : undefined;
  if (found === undefined) return { error: `団体コード「${value}」が正しくありません（${LG_CODE_HELP}）` };
  if (found.kind === 'prefecture')
    return { error: `${found.name}は都道府県です。市区町村の団体コードを入力してください` };
  return { name: `${found.prefecture}${found.fullName}` };
}

// 付記転出届 ---------------------------------------------------------------------------------------------------------

/** The members chosen to move along with the card holder (`along:<id>`), in household order. */
export function membersMovingAlong(values: Values, others: readonly Member[]): string[] {
  return others.filter((member) => values[`along:${member.id}`] === 'true').map((member) => member.id);
}

/** The 付記転出届's messages: the planned date may lie ahead (the register checks how far), the 転出先 must be known. */
export function specialMoveOutErrors(values: Values, birthDate: string | undefined): Record<string, string> {
  const v = (key: string): string => values[key] ?? '';
  const errors: Record<string, string> = {};
  const planned = checkDate(v('plannedDate'), {
    required: true,
    notAfterToday: false,
    ...(birthDate === undefined ? {} : { notBefore: { date: birthDate, label: '生年月日' } }),
  });
  if (planned !== undefined) errors['plannedDate'] = planned;
  const destination = destinationOf(v('destinationLgCode'));
  if (destination.error !== undefined) errors['destinationLgCode'] = destination.error;
  const address = checkRequired(v('destinationAddress')) ?? checkLength(v('destinationAddress').trim(), 200);
  if (address !== undefined) errors['destinationAddress'] = address;
  return errors;
}

/** The request of a 付記転出届 (requestSchemas['special-move-out'], without filedOn and newHead, set by the form). */
export function specialMoveOutRequest(values: Values, others: readonly Member[]): Record<string, unknown> {
  const v = (key: string): string => (values[key] ?? '').trim();
  const members = membersMovingAlong(values, others);
  const plannedDate = normaliseDate(v('plannedDate'));
  return {
    ...(plannedDate === undefined ? {} : { plannedDate }),
    destination: { lgCode: v('destinationLgCode').normalize('NFKC'), address: v('destinationAddress') },
    ...(members.length === 0 ? {} : { members }),
  };
}

/** 転出の予定, 転出先 and the members moving along. */
export function SpecialMoveOutFields({ kit, others }: { kit: FormKit; others: readonly Member[] }) {
  const destination = destinationOf(kit.value('destinationLgCode'));
  return (
    <>
      <FieldGroup legend="転出の予定">{kit.dateField('plannedDate', '転出予定年月日', true)}</FieldGroup>
      <FieldGroup legend="転出先">
        {kit.textField('destinationLgCode', '転出先の団体コード', {
          required: true,
          help: destination.name === undefined ? LG_CODE_HELP : `転出先: ${destination.name}`,
        })}
        {kit.textField('destinationAddress', '転出先の住所', { required: true })}
      </FieldGroup>
      {others.length > 0 && (
        <FieldGroup legend="同時に転出する世帯員">
          <fieldset className="choices">
            <legend>本人と一緒に転出する者</legend>
            {others.map((member) => (
              <CheckboxField
                key={member.id}
                label={`${member.name}（${member.relationship ?? ''}）`}
                checked={kit.value(`along:${member.id}`) === 'true'}
                onChange={kit.setFlag(`along:${member.id}`)}
              />
            ))}
          </fieldset>
        </FieldGroup>
      )}
    </>
  );
}

// 特例転入届 ---------------------------------------------------------------------------------------------------------

/** The persons moving in besides the card holder (the first of the 転出証明書情報). */
function membersOf(outInfo: OutInfoView) {
  return outInfo.persons.slice(1);
}

/**
 * True when each member keeps the 続柄 they had: the card holder headed the household at the old municipality and
 * founds one here (special-move-notifications.ts); otherwise the clerk gives each member's 続柄 to the head here.
 */
function keepsRelationships(values: Values, outInfo: OutInfoView): boolean {
  return outInfo.persons[0]?.relationship === HEAD && values['householdMode'] !== 'join';
}

/** The 特例転入届's first values: the address the notice declared, a new household, the 続柄 held until now. */
export function specialMoveInValues(outInfo: OutInfoView): Record<string, string> {
  const values: Record<string, string> = { address: outInfo.destination.address, householdMode: 'new' };
  for (const person of membersOf(outInfo)) values[`rel:${person.residentCode}`] = person.relationship ?? '';
  return values;
}

/** The 特例転入届's messages. */
export function specialMoveInErrors(values: Values, outInfo: OutInfoView): Record<string, string> {
  const v = (key: string): string => (values[key] ?? '').trim();
  const errors: Record<string, string> = {};
  const put = (key: string, message: string | undefined): void => {
    if (message !== undefined) errors[key] = message;
  };
  put('address', checkRequired(v('address')) ?? checkLength(v('address'), 200));
  if (v('householdMode') === 'join') {
    put('householdJoin', checkRequired(v('householdJoin')));
    put('relationship', checkRequired(v('relationship')) ?? checkLength(v('relationship'), 20));
    if (v('relationship') === HEAD) errors['relationship'] = '既存の世帯に入る者の続柄は世帯主以外です';
  }
  const keeps = keepsRelationships(values, outInfo);
  for (const person of membersOf(outInfo)) {
    const key = `rel:${person.residentCode}`;
    put(key, keeps ? checkLength(v(key), 20) : (checkRequired(v(key)) ?? checkLength(v(key), 20)));
    if (v(key) === HEAD) errors[key] = '世帯主との続柄を入力してください（世帯主以外）';
  }
  return errors;
}

/** The request of a 特例転入届 (requestSchemas['special-move-in'], without filedOn and date, set by the form). */
export function specialMoveInRequest(values: Values, outInfo: OutInfoView): Record<string, unknown> {
  const v = (key: string): string => (values[key] ?? '').trim();
  const keeps = keepsRelationships(values, outInfo);
  // Kept 続柄 travel only when the clerk changed them; otherwise every member's is sent.
  const relationships = Object.fromEntries(
    membersOf(outInfo)
      .map((person) => [person.residentCode, v(`rel:${person.residentCode}`), person.relationship] as const)
      .filter(([, relationship, before]) => relationship !== '' && (!keeps || relationship !== before))
      .map(([code, relationship]) => [code, relationship]),
  );
  return {
    outInfoId: outInfo.id,
    address: v('address'),
    ...(v('householdMode') === 'join'
      ? { household: { join: v('householdJoin') }, relationship: v('relationship') }
      : {}),
    ...(Object.keys(relationships).length === 0 ? {} : { relationships }),
    ...(values['acknowledgeDuplicate'] === 'true' ? { acknowledgeDuplicate: true } : {}),
  };
}

/** 転入先 and the household: the persons' own items come from the 転出証明書情報 and are not entered. */
export function SpecialMoveInFields({ kit, outInfo }: { kit: FormKit; outInfo: OutInfoView }) {
  const [holder] = outInfo.persons;
  const members = membersOf(outInfo);
  const keeps = keepsRelationships({ householdMode: kit.value('householdMode') }, outInfo);
  return (
    <>
      <FieldGroup legend="転入先と世帯">
        {kit.textField('address', '転入先の住所', { required: true })}
        <RadioGroup
          legend="世帯"
          name="householdMode"
          value={kit.value('householdMode')}
          onChange={kit.set('householdMode')}
          options={[
            ['new', `新しい世帯を設ける（${holder?.name ?? '本人'}が世帯主）`],
            ['join', '既存の世帯に入る'],
          ]}
        />
        {kit.value('householdMode') === 'join' && (
          <>
            {kit.textField('householdJoin', '世帯番号', {
              required: true,
              help: '住民票照会に表示される世帯番号',
            })}
            {kit.relationshipField('relationship', `${holder?.name ?? '本人'} の続柄`, true)}
          </>
        )}
      </FieldGroup>
      {members.length > 0 && (
        <FieldGroup legend="世帯員の続柄（世帯主との続柄）">
          {keeps && <small>転出元での続柄を引き継ぎます。変わる場合だけ書き換えてください。</small>}
          {members.map((person) => (
            <Fragment key={person.residentCode}>
              {kit.relationshipField(`rel:${person.residentCode}`, `${person.name} の続柄`, !keeps)}
            </Fragment>
          ))}
        </FieldGroup>
      )}
    </>
  );
}
