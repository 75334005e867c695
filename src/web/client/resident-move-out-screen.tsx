// 付記転出届（オンライン）: the residents' page, without an operator's login. The resident's card, in the card reader,
// proves itself and the PIN opens it; the notice is then entered pending for the municipality's examiner, as a
// mailed notice entered by a clerk would be (POST /api/residents/special-move-out, docs/special-move.md).

import { useState, type FormEvent } from 'react';
import { ApiError, postJson } from './api.js';
import { PinInput } from './card-fields.js';
import { checkPin } from './card-checks.js';
import { checkDate, checkRequired, normaliseDate } from './field-checks.js';
import { DateField, FieldGroup, TextField } from './form-fields.js';
import { ErrorAlert, Screen, StatusMessage } from './screen.js';
import { destinationOf } from './special-move-fields.js';

/** A household member moving along, named as the resident knows them. */
interface Person {
  readonly name: string;
  readonly birthDate: string;
}

const EMPTY_PERSON: Person = { name: '', birthDate: '' };

interface Values {
  readonly cardId: string;
  readonly pin: string;
  readonly plannedDate: string;
  readonly destinationCode: string;
  readonly destinationAddress: string;
  readonly members: readonly Person[];
  readonly newHead: Person;
}

const EMPTY: Values = {
  cardId: '',
  pin: '',
  plannedDate: '',
  destinationCode: '',
  destinationAddress: '',
  members: [],
  newHead: EMPTY_PERSON,
};

/** What is wrong with the page's values, by field. */
function errorsOf(values: Values): Record<string, string> {
  const errors: Record<string, string> = {};
  const put = (key: string, message: string | undefined): void => {
    if (message !== undefined) errors[key] = message;
  };
  put('cardId', checkRequired(values.cardId));
  put('pin', checkPin(values.pin, { complete: true }));
  // The planned date may lie ahead: the register checks how far.
  put('plannedDate', checkDate(values.plannedDate, { required: true, notAfterToday: false }));
  put('destinationCode', destinationOf(values.destinationCode).error);
  put('destinationAddress', checkRequired(values.destinationAddress));
  values.members.forEach((member, index) => {
    put(`member:${index}:name`, checkRequired(member.name));
    put(`member:${index}:birthDate`, checkDate(member.birthDate, { required: true }));
  });
  if (values.newHead.name !== '' || values.newHead.birthDate !== '') {
    put('newHead:name', checkRequired(values.newHead.name));
    put('newHead:birthDate', checkDate(values.newHead.birthDate, { required: true }));
  }
  return errors;
}

function personOf(person: Person): Person {
  return { name: person.name.trim(), birthDate: normaliseDate(person.birthDate) ?? person.birthDate };
}

/** The residents' page for the advance move-out notice with the card. */
export function ResidentMoveOutScreen() {
  const [values, setValues] = useState<Values>(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [received, setReceived] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const errors = errorsOf(values);
  const shown = (key: string): string | undefined => (submitted ? errors[key] : undefined);
  const update = (change: Partial<Values>): void => setValues((current) => ({ ...current, ...change }));
  const updateMember = (index: number, change: Partial<Person>): void =>
    update({
      members: values.members.map((member, at) => (at === index ? { ...member, ...change } : member)),
    });
  const destination = destinationOf(values.destinationCode);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSubmitted(true);
    setError(undefined);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const answer = await postJson<{ notification: { id: string } }>('/api/residents/special-move-out', {
        cardId: values.cardId.trim(),
        pin: values.pin,
        plannedDate: normaliseDate(values.plannedDate),
        destination: {
          lgCode: values.destinationCode.normalize('NFKC').trim(),
          address: values.destinationAddress.trim(),
        },
        ...(values.members.length === 0 ? {} : { members: values.members.map(personOf) }),
        ...(values.newHead.name === '' ? {} : { newHead: personOf(values.newHead) }),
      });
      setReceived(answer.notification.id);
      setValues(EMPTY);
      setSubmitted(false);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : '届出を送れませんでした');
      update({ pin: '' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="付記転出届（住民基本台帳カードによるオンライン届出）">
      <p>
        住民基本台帳カードをカードリーダーに入れ、暗証番号を入力して届け出てください。届出は市区町村の審査の後に受理されます。
        転入の手続は、転入した日から14日以内（転出予定日から30日以内）に、カードを持って転入先の窓口でしてください。
      </p>
      {received !== undefined && (
        <StatusMessage
          message={`付記転出届を受け付けました。受付番号: ${received}（審査の後に受理されます）`}
        />
      )}
      <form className="form" noValidate onSubmit={(event) => void submit(event)}>
        <FieldGroup legend="カード">
          <TextField
            label="カード番号"
            required
            value={values.cardId}
            onChange={(cardId) => update({ cardId })}
            error={shown('cardId')}
            help="カードの表面に印字された番号"
          />
          <PinInput
            label="暗証番号（4桁）"
            value={values.pin}
            onChange={(pin) => update({ pin })}
            error={shown('pin')}
          />
        </FieldGroup>
        <FieldGroup legend="転出の予定">
          <DateField
            label="転出予定日"
            required
            value={values.plannedDate}
            onChange={(plannedDate) => update({ plannedDate })}
            error={shown('plannedDate')}
          />
          <TextField
            label="転出先の団体コード"
            required
            inputMode="numeric"
            value={values.destinationCode}
            onChange={(destinationCode) => update({ destinationCode })}
            error={shown('destinationCode')}
            help={destination.name ?? '6桁の全国地方公共団体コード（例: 312011）'}
          />
          <TextField
            label="転出先の住所"
            required
            value={values.destinationAddress}
            onChange={(destinationAddress) => update({ destinationAddress })}
            error={shown('destinationAddress')}
          />
        </FieldGroup>
        <FieldGroup legend="一緒に転出する世帯員">
          {values.members.map((member, index) => (
            <div key={index} className="form-row">
              <TextField
                label={`世帯員${index + 1} 氏名`}
                required
                value={member.name}
                onChange={(name) => updateMember(index, { name })}
                error={shown(`member:${index}:name`)}
              />
              <DateField
                label={`世帯員${index + 1} 生年月日`}
                required
                value={member.birthDate}
                onChange={(birthDate) => updateMember(index, { birthDate })}
                error={shown(`member:${index}:birthDate`)}
              />
              <button
                type="button"
                onClick={() => update({ members: values.members.filter((_, at) => at !== index) })}
              >
                世帯員{index + 1}を削除
              </button>
            </div>
          ))}
          <button type="button" onClick={() => update({ members: [...values.members, EMPTY_PERSON] })}>
            世帯員を追加
          </button>
        </FieldGroup>
        <FieldGroup legend="残る世帯の新しい世帯主（世帯主が転出し、2人以上が残るとき）">
          <TextField
            label="新しい世帯主 氏名"
            value={values.newHead.name}
            onChange={(name) => update({ newHead: { ...values.newHead, name } })}
            error={shown('newHead:name')}
          />
          <DateField
            label="新しい世帯主 生年月日"
            value={values.newHead.birthDate}
            onChange={(birthDate) => update({ newHead: { ...values.newHead, birthDate } })}
            error={shown('newHead:birthDate')}
          />
        </FieldGroup>
        <button type="submit" disabled={busy}>
          届け出る
        </button>
      </form>
      <ErrorAlert message={error} />
    </Screen>
  );
}
