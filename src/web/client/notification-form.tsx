// One form per 届出 kind, built from shared parts (person, dates, address, household choice, 続柄, 本籍・筆頭者,
// foreign-resident items, 国保・年金等; the one-visit move's fields in special-move-fields.tsx): checked as the clerk
// types, checked by the register (POST /api/notifications/check, debounced) before 受付, then entered as pending
// (POST /api/notifications).

import {
  Fragment,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { ApiError, postJson, type OperatorView } from './api.js';
import {
  checkDate,
  checkFutureDate,
  checkKatakana,
  checkLength,
  checkRequired,
  checkResidenceCardNumber,
  checkResidentCode,
  normaliseDate,
  todayInJapan,
} from './field-checks.js';
import {
  CheckboxField,
  DateField,
  FieldGroup,
  RadioGroup,
  RelationshipSuggestions,
  SelectField,
  TextField,
} from './form-fields.js';
import {
  candidatesOf,
  notificationKindLabel,
  subjectOf,
  type CheckAnswer,
  type DuplicateCandidate,
  type HouseholdView,
  type NotificationInput,
  type NotificationKind,
  type NotificationView,
  type ResidentRecordView,
} from './notification-kinds.js';
import { NotificationDetails } from './notification-details.js';
import type { OutInfoView } from './out-info-view.js';
import { ErrorAlert, StatusMessage } from './screen.js';
import {
  membersMovingAlong,
  SpecialMoveInFields,
  specialMoveInErrors,
  specialMoveInRequest,
  specialMoveInValues,
  SpecialMoveOutFields,
  specialMoveOutErrors,
  specialMoveOutRequest,
  type FormKit,
} from './special-move-fields.js';

/** The form's values by field name; check boxes hold 'true' or ''. */
type Values = Readonly<Record<string, string>>;
type Errors = Readonly<Record<string, string>>;

/** What the form acts on: the record (and its household) it was started from, if any. */
export interface FormSubject {
  readonly resident?: ResidentRecordView;
  readonly household?: HouseholdView;
  /** For a new record started from a household: join this household. */
  readonly joinHousehold?: HouseholdView;
  /** For a 特例転入届: the 転出証明書情報 received, whose persons move in. */
  readonly outInfo?: OutInfoView;
}

const CHECK_DELAY_MS = 400;
const SEX_OPTIONS = [
  ['male', '男'],
  ['female', '女'],
] as const;
const CATEGORY_OPTIONS = [
  ['mid-to-long-term', '中長期在留者'],
  ['special-permanent', '特別永住者'],
  ['temporary-refuge', '一時庇護許可者'],
  ['provisional-stay', '仮滞在許可者'],
  ['transitional-stay', '出生による経過滞在者・国籍喪失による経過滞在者'],
] as const;
/** 国保・年金等 (BenefitItems) with a 資格取得日 and a number each. */
const QUALIFICATIONS = [
  ['nationalHealthInsurance', '国民健康保険', '記号番号'],
  ['lateStageMedicalCare', '後期高齢者医療', '被保険者番号'],
  ['longTermCare', '介護保険', '被保険者番号'],
  ['nationalPension', '国民年金', '基礎年金番号'],
  ['childAllowance', '児童手当', '受給者番号'],
] as const;

/** Kinds that open a record from the person's items the clerk enters (a 特例転入届's come from the 転出証明書情報). */
function isPersonKind(kind: NotificationKind): boolean {
  return subjectOf(kind) === 'none' && kind !== 'special-move-in';
}

/** Kinds with an 異動日 of their own (a birth's is the birth date; a 付記転出届 has a planned date, and no 異動). */
function hasDate(kind: NotificationKind): boolean {
  return kind !== 'birth' && kind !== 'special-move-out';
}

/** The members other than the subject who remain in its household. */
function othersOf(subject: FormSubject): readonly { id: string; name: string }[] {
  const { resident, household } = subject;
  if (resident === undefined || household === undefined) return [];
  return household.members.filter((member) => member.id !== resident.id && !member.closed);
}

/**
 * The members who may head the household when its head leaves it (moves, dies, is deleted, splits off), or [] when
 * the head stays or nobody remains. With one remaining member the register names them; with several, one is chosen.
 */
function successorsOf(
  kind: NotificationKind,
  subject: FormSubject,
  values: Values,
): readonly { id: string; name: string }[] {
  const { resident, household } = subject;
  if (household === undefined || household.headResidentId === null) return [];
  let leaving: readonly string[];
  if (kind === 'household-split') {
    leaving = selectedMembers(values, subject);
  } else if (kind === 'move-within' && values['withHousehold'] === 'true') {
    return [];
  } else if (kind === 'special-move-out' && resident !== undefined) {
    leaving = [resident.id, ...membersMovingAlong(values, othersOf(subject))];
  } else if (
    ['move-within', 'move-out', 'death', 'official-deletion'].includes(kind) &&
    resident !== undefined
  ) {
    // A 転居 that joins no household leaves it only when others stay; alone, the household moves along.
    leaving = [resident.id];
  } else {
    return [];
  }
  if (!leaving.includes(household.headResidentId)) return [];
  return household.members.filter((member) => !leaving.includes(member.id) && !member.closed);
}

function initialValues(kind: NotificationKind, subject: FormSubject): Values {
  const { resident, household, joinHousehold } = subject;
  const values: Record<string, string> = { filedOn: todayInJapan() };
  if (isPersonKind(kind)) {
    values['householdMode'] = joinHousehold === undefined ? 'new' : 'join';
    if (joinHousehold !== undefined) {
      values['householdJoin'] = joinHousehold.id;
      values['address'] = joinHousehold.address;
      if (kind === 'birth') values['relationship'] = '子';
    }
  }
  if (kind === 'special-move-in' && subject.outInfo !== undefined) {
    Object.assign(values, specialMoveInValues(subject.outInfo));
  }
  if (kind === 'move-within') {
    values['householdMode'] = 'auto';
    // The head of a household of several moves with all of it, unless the clerk says otherwise.
    if (resident !== undefined && household?.headResidentId === resident.id && othersOf(subject).length > 0) {
      values['withHousehold'] = 'true';
    }
  }
  if (resident !== undefined) {
    // The new name's reading is entered anew; a foreign resident's 通称 stays unless changed (left out, it is removed).
    if (kind === 'name-change')
      Object.assign(values, { nameKana: '', commonName: resident.commonName ?? '' });
    if (kind === 'official-correction') {
      Object.assign(values, {
        name: resident.name,
        nameKana: resident.nameKana ?? '',
        birthDate: resident.birthDate,
        sex: resident.sex,
        address: resident.address,
        relationship: resident.relationship ?? '',
        domicilePlace: resident.domicile?.place ?? '',
        domicileHead: resident.domicile?.head ?? '',
      });
    }
  }
  if (household !== undefined) {
    // A merged household's 続柄 are to its head, not to the former one's: the clerk enters each anew.
    for (const member of household.members) {
      values[`rel:${member.id}`] = kind === 'household-merge' ? '' : (member.relationship ?? '');
    }
  }
  return values;
}

/** Every field's message, whether or not the clerk has reached it yet. */
function fieldErrors(kind: NotificationKind, values: Values, subject: FormSubject): Errors {
  const v = (key: string): string => values[key] ?? '';
  const errors: Record<string, string> = {};
  const put = (key: string, message: string | undefined): void => {
    if (message !== undefined) errors[key] = message;
  };
  const birth = subject.resident?.birthDate ?? normaliseDate(v('birthDate'));
  const notBeforeBirth = birth === undefined ? {} : { notBefore: { date: birth, label: '生年月日' } };
  put('filedOn', checkDate(v('filedOn'), notBeforeBirth));
  if (hasDate(kind)) put('date', checkDate(v('date'), notBeforeBirth));
  if (v('filedOn') !== '' && v('date') !== '') {
    const filed = normaliseDate(v('filedOn'));
    const date = normaliseDate(v('date'));
    if (filed !== undefined && date !== undefined && filed < date && errors['filedOn'] === undefined) {
      errors['filedOn'] = '届出日が異動日より前です';
    }
  }
  if (isPersonKind(kind)) {
    put('name', checkRequired(v('name')) ?? checkLength(v('name'), 100));
    put('nameKana', checkKatakana(v('nameKana')));
    put('birthDate', checkDate(v('birthDate'), { required: true }));
    put('sex', v('sex') === '' ? '選んでください' : undefined);
    put('address', checkRequired(v('address')));
    if (v('householdMode') === 'join') {
      put('householdJoin', checkRequired(v('householdJoin')));
      put('relationship', checkRequired(v('relationship')) ?? checkLength(v('relationship'), 20));
      if (v('relationship') === '世帯主') errors['relationship'] = '既存の世帯に入る者の続柄は世帯主以外です';
    }
    if (v('foreignResident') === 'true') {
      put('nationality', checkRequired(v('nationality')));
      put('category', v('category') === '' ? '選んでください' : undefined);
      put('residenceCardNumber', checkResidenceCardNumber(v('residenceCardNumber')));
      put('periodExpiresOn', checkFutureDate(v('periodExpiresOn')));
    } else if (v('domicilePlace') !== '' || v('domicileHead') !== '') {
      put('domicilePlace', checkRequired(v('domicilePlace')));
      put('domicileHead', checkRequired(v('domicileHead')));
    }
    for (const [item] of QUALIFICATIONS) {
      if (v(`benefit:${item}:number`) !== '' || v(`benefit:${item}:since`) !== '') {
        put(`benefit:${item}:since`, checkDate(v(`benefit:${item}:since`), { required: true }));
      }
    }
    if (kind === 'move-in') put('residentCode', checkResidentCode(v('residentCode'), { required: true }));
    if (kind === 'entry-from-abroad') put('residentCode', checkResidentCode(v('residentCode')));
    if (kind === 'official-entry') put('residentSince', checkDate(v('residentSince'), notBeforeBirth));
  }
  switch (kind) {
    case 'move-within':
      put('address', checkRequired(v('address')));
      if (v('householdMode') === 'join' && v('withHousehold') !== 'true') {
        put('householdJoin', checkRequired(v('householdJoin')));
        put('relationship', checkRequired(v('relationship')));
      }
      break;
    case 'move-out':
      put('destination', checkRequired(v('destination')));
      break;
    case 'special-move-out':
      Object.assign(errors, specialMoveOutErrors(values, subject.resident?.birthDate));
      break;
    case 'special-move-in':
      if (subject.outInfo !== undefined) Object.assign(errors, specialMoveInErrors(values, subject.outInfo));
      break;
    case 'name-change':
      put('name', checkRequired(v('name')) ?? checkLength(v('name'), 100));
      put('nameKana', checkKatakana(v('nameKana')));
      break;
    case 'official-deletion':
      put('ground', checkRequired(v('ground')));
      break;
    case 'official-correction':
      put('name', checkRequired(v('name')));
      put('nameKana', checkKatakana(v('nameKana')));
      put('birthDate', checkDate(v('birthDate'), { required: true }));
      put('address', checkRequired(v('address')));
      if (Object.keys(correctionsOf(values, subject)).length === 0) {
        errors['corrections'] = '修正する事項を一つ以上変更してください';
      }
      break;
    case 'household-head-change':
      put('newHead', v('newHead') === '' ? '新しい世帯主を選んでください' : undefined);
      if (v('newHead') !== '' && subject.household?.headResidentId !== null) {
        const former = subject.household?.headResidentId;
        if (former !== undefined && former !== v('newHead') && ['', '世帯主'].includes(v(`rel:${former}`))) {
          errors[`rel:${former}`] = 'これまでの世帯主の新しい続柄を入力してください';
        }
      }
      break;
    case 'household-split': {
      const members = selectedMembers(values, subject);
      if (members.length === 0) errors['members'] = '分離する世帯員を選んでください';
      for (const id of members.slice(1)) {
        if (v(`rel:${id}`) === '世帯主') errors[`rel:${id}`] = '新しい世帯の世帯主は最初に選んだ者です';
      }
      break;
    }
    case 'household-merge':
      put('into', checkRequired(v('into')));
      if (v('into') !== '' && v('into') === subject.household?.id)
        errors['into'] = '同じ世帯には合併できません';
      for (const member of (subject.household?.members ?? []).filter((candidate) => !candidate.closed)) {
        const key = `rel:${member.id}`;
        put(key, checkRequired(v(key)) ?? checkLength(v(key), 20));
        if (v(key) === '世帯主') errors[key] = '合併先の世帯主との続柄を入力してください（世帯主以外）';
      }
      break;
    case 'birth':
    case 'entry-from-abroad':
    case 'move-in':
    case 'official-entry':
    case 'death':
    case 'code-change':
      break;
  }
  if (successorsOf(kind, subject, values).length > 1 && v('newHead') === '') {
    errors['newHead'] = '残る世帯員から新しい世帯主を選んでください';
  }
  return errors;
}

/** The members chosen for a 世帯分離, in the order they were chosen (the first heads the new household). */
function selectedMembers(values: Values, subject: FormSubject): string[] {
  const order = (id: string): number => Number(values[`member:${id}`] ?? '');
  return (subject.household?.members ?? [])
    .filter((member) => (values[`member:${member.id}`] ?? '') !== '')
    .sort((a, b) => order(a.id) - order(b.id))
    .map((member) => member.id);
}

/** 職権修正: the items the examiner changed from the record. */
function correctionsOf(values: Values, subject: FormSubject): Record<string, unknown> {
  const resident = subject.resident;
  if (resident === undefined) return {};
  const v = (key: string): string => (values[key] ?? '').trim();
  const corrections: Record<string, unknown> = {};
  if (v('name') !== resident.name) corrections['name'] = v('name');
  if (v('nameKana') !== (resident.nameKana ?? ''))
    corrections['nameKana'] = v('nameKana') === '' ? null : v('nameKana');
  const birth = normaliseDate(v('birthDate'));
  if (birth !== undefined && birth !== resident.birthDate) corrections['birthDate'] = birth;
  if (v('sex') !== resident.sex) corrections['sex'] = v('sex');
  if (v('address') !== resident.address) corrections['address'] = v('address');
  if (v('relationship') !== (resident.relationship ?? '')) {
    corrections['relationship'] = v('relationship') === '' ? null : v('relationship');
  }
  const place = v('domicilePlace');
  const head = v('domicileHead');
  if (place !== (resident.domicile?.place ?? '') || head !== (resident.domicile?.head ?? '')) {
    corrections['domicile'] = place === '' && head === '' ? null : { place, head };
  }
  return corrections;
}

/** The body the API takes for the form's values. */
function inputOf(kind: NotificationKind, values: Values, subject: FormSubject): NotificationInput {
  const v = (key: string): string => (values[key] ?? '').trim();
  const date = (key: string): string | undefined => (v(key) === '' ? undefined : normaliseDate(v(key)));
  const request: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== '') request[key] = value;
  };
  set('filedOn', date('filedOn'));
  if (hasDate(kind)) set('date', date('date'));
  if (isPersonKind(kind)) {
    set('name', v('name'));
    set('nameKana', v('nameKana'));
    set('birthDate', date('birthDate'));
    set('sex', v('sex'));
    set('address', v('address'));
    if (v('householdMode') === 'join') {
      set('household', { join: v('householdJoin') });
      set('relationship', v('relationship'));
    }
    if (v('foreignResident') === 'true') {
      request['foreignResident'] = true;
      set('commonName', v('commonName'));
      const foreign: Record<string, string> = { nationality: v('nationality'), category: v('category') };
      for (const key of ['residenceStatus', 'periodOfStay'] as const)
        if (v(key) !== '') foreign[key] = v(key);
      const expires = date('periodExpiresOn');
      if (expires !== undefined) foreign['periodExpiresOn'] = expires;
      if (v('residenceCardNumber') !== '')
        foreign['residenceCardNumber'] = v('residenceCardNumber').normalize('NFKC');
      request['foreign'] = foreign;
    } else if (v('domicilePlace') !== '') {
      request['domicile'] = { place: v('domicilePlace'), head: v('domicileHead') };
    }
    const benefits: Record<string, unknown> = {};
    if (v('electoralRoll') === 'true' && v('foreignResident') !== 'true') benefits['electoralRoll'] = true;
    for (const [item] of QUALIFICATIONS) {
      const since = date(`benefit:${item}:since`);
      if (since === undefined) continue;
      const number = v(`benefit:${item}:number`);
      benefits[item] = number === '' ? { since } : { since, number };
    }
    if (Object.keys(benefits).length > 0) request['benefits'] = benefits;
    if (v('acknowledgeDuplicate') === 'true') request['acknowledgeDuplicate'] = true;
    if (kind === 'move-in' || kind === 'entry-from-abroad')
      set('residentCode', v('residentCode').normalize('NFKC'));
    if (kind === 'move-in') set('previousAddress', v('previousAddress'));
    if (kind === 'official-entry') set('residentSince', date('residentSince'));
  }
  const relationshipsOf = (ids: readonly string[]): Record<string, string> | undefined => {
    const chosen: Record<string, string> = {};
    for (const id of ids) if (v(`rel:${id}`) !== '') chosen[id] = v(`rel:${id}`);
    return Object.keys(chosen).length === 0 ? undefined : chosen;
  };
  switch (kind) {
    case 'move-within':
      set('address', v('address'));
      if (v('withHousehold') === 'true') {
        request['withHousehold'] = true;
      } else if (v('householdMode') === 'join') {
        set('household', { join: v('householdJoin') });
        set('relationship', v('relationship'));
      }
      break;
    case 'move-out':
      set('destination', v('destination'));
      if (v('abroad') === 'true') request['abroad'] = true;
      break;
    case 'special-move-out':
      Object.assign(request, specialMoveOutRequest(values, othersOf(subject)));
      break;
    case 'special-move-in':
      if (subject.outInfo !== undefined)
        Object.assign(request, specialMoveInRequest(values, subject.outInfo));
      break;
    case 'name-change':
      set('name', v('name'));
      set('nameKana', v('nameKana'));
      set('commonName', v('commonName'));
      break;
    case 'official-deletion':
      set('ground', v('ground'));
      break;
    case 'official-correction':
      request['corrections'] = correctionsOf(values, subject);
      set('note', v('note'));
      break;
    case 'household-head-change': {
      set('newHead', v('newHead'));
      const others = (subject.household?.members ?? [])
        .map((member) => member.id)
        .filter((id) => id !== v('newHead'));
      const relationships = relationshipsOf(others);
      const current = new Map(
        (subject.household?.members ?? []).map((member) => [member.id, member.relationship ?? '']),
      );
      const changed = Object.entries(relationships ?? {}).filter(([id, value]) => current.get(id) !== value);
      if (changed.length > 0) request['relationships'] = Object.fromEntries(changed);
      break;
    }
    case 'household-split': {
      const members = selectedMembers(values, subject);
      request['members'] = members;
      set('relationships', relationshipsOf(members.slice(1)));
      break;
    }
    case 'household-merge':
      set('into', v('into'));
      set('relationships', relationshipsOf((subject.household?.members ?? []).map((member) => member.id)));
      break;
    case 'birth':
    case 'entry-from-abroad':
    case 'move-in':
    case 'official-entry':
    case 'death':
    case 'code-change':
      break;
  }
  if (successorsOf(kind, subject, values).length > 0) set('newHead', v('newHead'));
  const subjectIds =
    subjectOf(kind) === 'resident' && subject.resident !== undefined
      ? { residentId: subject.resident.id }
      : subjectOf(kind) === 'household' && subject.household !== undefined
        ? { householdId: subject.household.id }
        : {};
  return { kind, ...subjectIds, request };
}

type CheckState =
  | { readonly state: 'idle' }
  | { readonly state: 'checking' }
  | { readonly state: 'ok'; readonly late: boolean; readonly deadline: string | null }
  | {
      readonly state: 'refused';
      readonly message: string;
      /** A likely duplicate, which the clerk may acknowledge as another person. */
      readonly duplicate: boolean;
      readonly candidates: readonly DuplicateCandidate[];
    };

function refusalOf(caught: unknown): CheckState {
  if (!(caught instanceof ApiError)) {
    return { state: 'refused', message: '確認できませんでした', duplicate: false, candidates: [] };
  }
  return {
    state: 'refused',
    message: caught.message,
    duplicate: caught.code === 'JUKI_ERR_RESIDENT_LIKELY_DUPLICATE',
    candidates: candidatesOf(caught.body),
  };
}

/** The form of one kind; after 受付 it shows the pending notification. */
export function NotificationForm({
  kind,
  subject,
  onBack,
  backLabel,
}: {
  kind: NotificationKind;
  subject: FormSubject;
  operator: OperatorView;
  onBack: () => void;
  backLabel: string;
}) {
  const [values, setValues] = useState<Values>(() => initialValues(kind, subject));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [check, setCheck] = useState<CheckState>({ state: 'idle' });
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [entered, setEntered] = useState<NotificationView | undefined>();
  const formRef = useRef<HTMLFormElement>(null);
  const datalistId = useId();

  const errors = useMemo(() => fieldErrors(kind, values, subject), [kind, values, subject]);
  const input = useMemo(() => inputOf(kind, values, subject), [kind, values, subject]);
  const inputKey = JSON.stringify(input);
  const valid = Object.keys(errors).length === 0;

  // The keyboard starts at the first item still to fill in.
  useEffect(() => {
    const first = [...(formRef.current?.querySelectorAll<HTMLInputElement>('input:not([type])') ?? [])].find(
      (field) => field.value === '',
    );
    first?.focus();
  }, []);

  // The register's own check, once the fields pass ours and the clerk pauses typing.
  useEffect(() => {
    if (!valid || entered !== undefined) {
      setCheck({ state: 'idle' });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setCheck({ state: 'checking' });
      postJson<CheckAnswer>('/api/notifications/check', JSON.parse(inputKey) as unknown).then(
        (answer) => {
          if (current) setCheck({ state: 'ok', late: answer.late, deadline: answer.deadline });
        },
        (caught: unknown) => {
          if (current) setCheck(refusalOf(caught));
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [inputKey, valid, entered]);

  const v = (key: string): string => values[key] ?? '';
  const set = (key: string) => (value: string) => {
    setValues((previous) => ({ ...previous, [key]: value }));
    setTouched((previous) => new Set(previous).add(key));
  };
  const setFlag = (key: string) => (checked: boolean) => set(key)(checked ? 'true' : '');
  /** A field's message once the clerk has typed in it or tried to submit. */
  const shown = (key: string): string | undefined =>
    // A member's 続柄 is asked for only because of another choice (the new head, the first to split off), so its
    // message shows at once; a 世帯合併 and a 特例転入届 ask every member's, so there it waits like any field.
    submitted ||
    touched.has(key) ||
    (key.startsWith('rel:') && kind !== 'household-merge' && kind !== 'special-move-in')
      ? errors[key]
      : undefined;
  const blurred = useRef(new Set<string>());
  /** A date's format message waits until the clerk has typed a whole date or left the field. */
  const shownDate = (key: string): string | undefined => {
    const message = shown(key);
    if (message === undefined || submitted) return message;
    return message.startsWith('日付の形式') && v(key).length < 8 && !blurred.current.has(key)
      ? undefined
      : message;
  };
  const leave = (key: string) => () => {
    blurred.current.add(key);
    setTouched((previous) => new Set(previous).add(key));
  };

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    setError(undefined);
    if (!valid) {
      // Focus the first field with a message, so that the keyboard lands where the fix is needed.
      requestAnimationFrame(() => {
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      });
      setError('入力内容を確認してください');
      return;
    }
    setBusy(true);
    postJson<{ notification: NotificationView }>('/api/notifications', input)
      .then(
        (answer) => setEntered(answer.notification),
        (caught: unknown) => {
          setError(caught instanceof ApiError ? caught.message : '受付できませんでした');
          if (caught instanceof ApiError) setCheck(refusalOf(caught));
        },
      )
      .finally(() => setBusy(false));
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onBack();
    }
  }

  const label = notificationKindLabel[kind];
  if (entered !== undefined) {
    return (
      <section aria-labelledby="entered-heading" data-testid="notification-entered">
        <h2 id="entered-heading">{label}を受け付けました</h2>
        <StatusMessage message="審査担当の決裁を待っています" />
        <NotificationDetails
          notification={entered}
          names={new Map((subject.household?.members ?? []).map((member) => [member.id, member.name]))}
        />
        <div className="actions">
          <button type="button" onClick={onBack} autoFocus>
            {backLabel}
          </button>
        </div>
      </section>
    );
  }

  const resident = subject.resident;
  const household = subject.household;
  const foreign = v('foreignResident') === 'true' || (resident?.foreignResident ?? false);
  const others = othersOf(subject);
  const successors = successorsOf(kind, subject, values);
  const dateField = (key: string, fieldLabel: string, required = false) => (
    <DateField
      label={fieldLabel}
      value={v(key)}
      onChange={set(key)}
      onBlur={leave(key)}
      error={shownDate(key)}
      required={required}
    />
  );
  const textField = (
    key: string,
    fieldLabel: string,
    options: { required?: boolean; help?: string } = {},
  ) => (
    <TextField
      label={fieldLabel}
      value={v(key)}
      onChange={set(key)}
      onBlur={leave(key)}
      error={shown(key)}
      {...options}
    />
  );
  const relationshipField = (key: string, fieldLabel: string, required = false) => (
    <TextField
      label={fieldLabel}
      value={v(key)}
      onChange={set(key)}
      onBlur={leave(key)}
      error={shown(key)}
      required={required}
      list={datalistId}
    />
  );

  const kit: FormKit = {
    value: v,
    set,
    setFlag,
    shown,
    textField,
    dateField,
    relationshipField,
  };

  return (
    <section aria-labelledby="form-heading">
      <h2 id="form-heading">{label}</h2>
      {resident !== undefined && (
        <p data-testid="form-subject">
          対象: {resident.name}（{resident.birthDate}生、{resident.address}）
        </p>
      )}
      {resident === undefined && household !== undefined && (
        <p data-testid="form-subject">対象の世帯: {household.address}</p>
      )}
      <form ref={formRef} onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-labelledby="form-heading">
        <RelationshipSuggestions id={datalistId} />
        <FieldGroup legend="届出">
          {dateField('filedOn', '届出日')}
          {hasDate(kind) &&
            dateField(
              'date',
              kind === 'death' ? '死亡日' : kind === 'special-move-in' ? '転入日（異動日）' : '異動日',
            )}
        </FieldGroup>

        {isPersonKind(kind) && (
          <>
            <FieldGroup legend="本人">
              {textField('name', '氏名', { required: true })}
              {textField('nameKana', 'フリガナ', { help: '全角カタカナ（例: ブンキョウ サクラ）' })}
              {dateField('birthDate', '生年月日', true)}
              <RadioGroup
                legend="性別"
                name="sex"
                value={v('sex')}
                onChange={set('sex')}
                options={SEX_OPTIONS}
                error={shown('sex')}
              />
              <CheckboxField
                label="外国人住民"
                checked={v('foreignResident') === 'true'}
                onChange={setFlag('foreignResident')}
              />
              {kind === 'move-in' &&
                textField('residentCode', '住民票コード', { required: true, help: '11桁' })}
              {kind === 'entry-from-abroad' &&
                textField('residentCode', '住民票コード', { help: '以前に住民票コードがあった場合（11桁）' })}
              {kind === 'official-entry' && dateField('residentSince', '住民となった年月日')}
            </FieldGroup>
            <FieldGroup legend="住所と世帯">
              {textField('address', '住所', { required: true })}
              {kind === 'move-in' && textField('previousAddress', '従前の住所')}
              <RadioGroup
                legend="世帯"
                name="householdMode"
                value={v('householdMode')}
                onChange={set('householdMode')}
                options={[
                  ['new', '新しい世帯を設ける（世帯主）'],
                  ['join', '既存の世帯に入る'],
                ]}
              />
              {v('householdMode') === 'join' && (
                <>
                  {textField('householdJoin', '世帯番号', {
                    required: true,
                    ...(subject.joinHousehold === undefined
                      ? { help: '住民票照会に表示される世帯番号' }
                      : {}),
                  })}
                  {relationshipField('relationship', '続柄', true)}
                </>
              )}
            </FieldGroup>
            {foreign ? (
              <FieldGroup legend="外国人住民の記載事項">
                {textField('commonName', '通称')}
                {textField('nationality', '国籍・地域', { required: true })}
                <SelectField
                  label="区分"
                  value={v('category')}
                  onChange={set('category')}
                  options={[['', '選んでください'], ...CATEGORY_OPTIONS]}
                  error={shown('category')}
                  required
                />
                {v('category') !== 'special-permanent' && (
                  <>
                    {textField('residenceStatus', '在留資格')}
                    {textField('periodOfStay', '在留期間', { help: '例: 3年' })}
                    <DateField
                      label="在留期間の満了の日"
                      value={v('periodExpiresOn')}
                      onChange={set('periodExpiresOn')}
                      onBlur={leave('periodExpiresOn')}
                      error={shownDate('periodExpiresOn')}
                    />
                  </>
                )}
                {textField('residenceCardNumber', '在留カード等の番号', { help: '例: AB12345678CD' })}
              </FieldGroup>
            ) : (
              <FieldGroup legend="本籍・筆頭者">
                {textField('domicilePlace', '本籍')}
                {textField('domicileHead', '筆頭者')}
              </FieldGroup>
            )}
            <details className="group">
              <summary>国保・年金等（該当する場合）</summary>
              <div className="form-grid">
                {!foreign && (
                  <CheckboxField
                    label="選挙人名簿に登録"
                    checked={v('electoralRoll') === 'true'}
                    onChange={setFlag('electoralRoll')}
                  />
                )}
                {QUALIFICATIONS.map(([item, itemLabel, numberLabel]) => (
                  <Fragment key={item}>
                    {dateField(`benefit:${item}:since`, `${itemLabel} 資格取得日`)}
                    {textField(`benefit:${item}:number`, `${itemLabel} ${numberLabel}`)}
                  </Fragment>
                ))}
              </div>
            </details>
          </>
        )}

        {kind === 'move-within' && (
          <FieldGroup legend="転居先">
            {textField('address', '新しい住所', { required: true })}
            {others.length > 0 && (
              <>
                <CheckboxField
                  label="世帯全員で転居する"
                  checked={v('withHousehold') === 'true'}
                  onChange={setFlag('withHousehold')}
                />
                {v('withHousehold') === 'true' && (
                  <small data-testid="moving-members">
                    転居する世帯員:{' '}
                    {[resident?.name ?? '', ...others.map((member) => member.name)].join('、')}
                    （世帯番号・世帯主・続柄は変わりません）
                  </small>
                )}
              </>
            )}
            {v('withHousehold') !== 'true' && (
              <RadioGroup
                legend="世帯"
                name="householdMode"
                value={v('householdMode')}
                onChange={set('householdMode')}
                options={[
                  [
                    'auto',
                    others.length === 0 ? '世帯ごと転居する（単身世帯）' : '新しい世帯を設ける（世帯主）',
                  ],
                  ['join', '既存の世帯に入る'],
                ]}
              />
            )}
            {v('withHousehold') !== 'true' && v('householdMode') === 'join' && (
              <>
                {textField('householdJoin', '世帯番号', { required: true })}
                {relationshipField('relationship', '続柄', true)}
              </>
            )}
          </FieldGroup>
        )}
        {kind === 'move-out' && (
          <FieldGroup legend="転出先">
            {textField('destination', '転出先の住所', { required: true })}
            <CheckboxField
              label="国外への転出"
              checked={v('abroad') === 'true'}
              onChange={setFlag('abroad')}
            />
          </FieldGroup>
        )}
        {kind === 'special-move-out' && <SpecialMoveOutFields kit={kit} others={others} />}
        {kind === 'special-move-in' && subject.outInfo !== undefined && (
          <SpecialMoveInFields kit={kit} outInfo={subject.outInfo} />
        )}
        {kind === 'name-change' && (
          <FieldGroup legend="新しい氏名">
            {textField('name', '氏名', { required: true })}
            {textField('nameKana', 'フリガナ', {
              help: '全角カタカナ。空欄にするとフリガナは記載されません',
            })}
            {foreign && textField('commonName', '通称', { help: '空欄にすると通称は削除されます' })}
          </FieldGroup>
        )}
        {kind === 'official-deletion' && (
          <FieldGroup legend="消除">
            {textField('ground', '消除の理由', { required: true, help: '例: 実態調査により居住の事実なし' })}
          </FieldGroup>
        )}
        {kind === 'official-correction' && (
          <FieldGroup legend="修正後の記載事項">
            {textField('name', '氏名', { required: true })}
            {textField('nameKana', 'フリガナ')}
            {dateField('birthDate', '生年月日', true)}
            <RadioGroup
              legend="性別"
              name="sex"
              value={v('sex')}
              onChange={set('sex')}
              options={SEX_OPTIONS}
            />
            {textField('address', '住所', { required: true })}
            {relationshipField('relationship', '続柄')}
            {!foreign && textField('domicilePlace', '本籍')}
            {!foreign && textField('domicileHead', '筆頭者')}
            {textField('note', '備考')}
            {shown('corrections') !== undefined && (
              <span role="alert" className="field-error">
                {shown('corrections')}
              </span>
            )}
          </FieldGroup>
        )}
        {kind === 'household-head-change' && household !== undefined && (
          <FieldGroup legend="新しい世帯主と続柄">
            <SelectField
              label="新しい世帯主"
              value={v('newHead')}
              onChange={set('newHead')}
              options={[
                ['', '選んでください'],
                ...household.members
                  .filter((member) => member.id !== household.headResidentId)
                  .map((member) => [member.id, member.name] as const),
              ]}
              error={shown('newHead')}
              required
            />
            {household.members
              .filter((member) => member.id !== v('newHead'))
              .map((member) => (
                <Fragment key={member.id}>
                  {relationshipField(`rel:${member.id}`, `${member.name} の続柄`)}
                </Fragment>
              ))}
          </FieldGroup>
        )}
        {kind === 'household-split' && household !== undefined && (
          <FieldGroup legend="分離する世帯員">
            <fieldset
              className="choices"
              aria-describedby={shown('members') === undefined ? undefined : 'members-error'}
            >
              <legend>新しい世帯に移る者（最初に選んだ者が世帯主）</legend>
              {household.members.map((member) => (
                <CheckboxField
                  key={member.id}
                  label={`${member.name}（${member.relationship ?? ''}）`}
                  checked={v(`member:${member.id}`) !== ''}
                  onChange={(checked) => {
                    // Each box holds the order in which it was chosen.
                    const orders = selectedMembers(values, subject).map((id) => Number(v(`member:${id}`)));
                    set(`member:${member.id}`)(checked ? String(Math.max(0, ...orders) + 1) : '');
                    setTouched((previous) => new Set(previous).add('members'));
                  }}
                />
              ))}
              {shown('members') !== undefined && (
                <span id="members-error" role="alert" className="field-error">
                  {shown('members')}
                </span>
              )}
            </fieldset>
            {selectedMembers(values, subject).length > 0 && (
              <small data-testid="split-head">
                新しい世帯の世帯主:{' '}
                {household.members.find((member) => member.id === selectedMembers(values, subject)[0])?.name}
              </small>
            )}
            {selectedMembers(values, subject)
              .slice(1)
              .map((id) => {
                const member = household.members.find((candidate) => candidate.id === id);
                return (
                  <Fragment key={id}>
                    {relationshipField(`rel:${id}`, `${member?.name ?? id} の新しい続柄`)}
                  </Fragment>
                );
              })}
          </FieldGroup>
        )}
        {kind === 'household-merge' && household !== undefined && (
          <FieldGroup legend="合併先">
            {textField('into', '合併先の世帯番号', { required: true, help: '同じ住所の世帯' })}
            {household.members
              .filter((member) => !member.closed)
              .map((member) => (
                <Fragment key={member.id}>
                  {relationshipField(`rel:${member.id}`, `${member.name} の合併後の続柄`, true)}
                </Fragment>
              ))}
          </FieldGroup>
        )}
        {successors.length > 0 && (
          <FieldGroup legend="世帯主の交代">
            <SelectField
              label="残る世帯の新しい世帯主"
              value={v('newHead')}
              onChange={set('newHead')}
              options={[
                ['', successors.length > 1 ? '選んでください' : '指定しない（残る世帯員）'],
                ...successors.map((member) => [member.id, member.name] as const),
              ]}
              error={shown('newHead')}
              required={successors.length > 1}
            />
          </FieldGroup>
        )}

        <CheckView
          check={check}
          acknowledged={v('acknowledgeDuplicate') === 'true'}
          onAcknowledge={setFlag('acknowledgeDuplicate')}
        />
        <ErrorAlert message={error} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            受付
          </button>
          <button type="button" onClick={onBack}>
            {backLabel}
          </button>
        </div>
        <p className="hint">Enter で受付、Esc で戻ります</p>
      </form>
    </section>
  );
}

/** What the register's check said: fine, late (期間経過), or a refusal, with the duplicate's candidates. */
function CheckView({
  check,
  acknowledged,
  onAcknowledge,
}: {
  check: CheckState;
  acknowledged: boolean;
  onAcknowledge: (checked: boolean) => void;
}) {
  switch (check.state) {
    case 'idle':
      return null;
    case 'checking':
      return (
        <p role="status" className="notice" aria-busy="true">
          台帳と照合しています…
        </p>
      );
    case 'ok':
      return (
        <div data-testid="check-result">
          {check.late ? (
            <p role="alert" className="warning">
              期間経過: 届出期間（14日）を過ぎています
              {check.deadline === null ? '' : `（期限 ${check.deadline}）`}
              。受付はできますが、期間経過として記録されます
            </p>
          ) : (
            <p role="status" className="notice">
              台帳との照合: 受付できます
            </p>
          )}
          {acknowledged && (
            <CheckboxField label="別人であることを確認した" checked={acknowledged} onChange={onAcknowledge} />
          )}
        </div>
      );
    case 'refused':
      return (
        <div data-testid="check-result">
          <p role="alert" className="error">
            {check.message}
          </p>
          {check.duplicate && (
            <>
              {check.candidates.length > 0 && (
                <table data-testid="duplicate-candidates">
                  <caption>同一人の可能性がある住民</caption>
                  <thead>
                    <tr>
                      <th scope="col">氏名</th>
                      <th scope="col">住民票コード</th>
                      <th scope="col">住所</th>
                    </tr>
                  </thead>
                  <tbody>
                    {check.candidates.map((candidate) => (
                      <tr key={candidate.id}>
                        <td>{candidate.name}</td>
                        <td>{candidate.residentCode}</td>
                        <td>{candidate.address}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <CheckboxField
                label="別人であることを確認した"
                checked={acknowledged}
                onChange={onAcknowledge}
              />
            </>
          )}
        </div>
      );
  }
}
