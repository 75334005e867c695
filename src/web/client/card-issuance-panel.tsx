// 住基カード on 住民票照会: the resident's card applications with their state, the next step this operator may take
// (the clerk applies, hands over, sets the PIN, suspends and takes back; the examiner registers, personalises, issues
// the 交付通知書 and lifts suspensions), the notice's PDF, and re-issuance (docs/card-issuance.md). A card taken over after
// a move-in (引継ぎ) is only suspended and lifted here; one the holder took away on moving out (引継ぎ済み) has no steps.

import { useCallback, useEffect, useState } from 'react';
import { getJson, postJson, type OperatorView } from './api.js';
import {
  ApplicationForm,
  HandoverForm,
  LiftForm,
  PinForm,
  ReturnForm,
  SuspendForm,
} from './card-issuance-forms.js';
import {
  cardApplicationKindLabel,
  cardIssuanceStateLabel,
  cardMessageOf,
  localGovernmentName,
  may,
  warekiOf,
  type CardApplicationView,
  type CardIssuanceState,
} from './card-views.js';
import { ErrorAlert, formatTime, StatusMessage } from './screen.js';

/** The steps of an application that take input at the counter. */
type FormStep = 'handover' | 'activate' | 'suspend' | 'lift' | 'return';

/** The form open below the list: an application, or a step of one application. */
type OpenForm =
  | { readonly form: 'apply'; readonly kind: 'new' | 'reissue' }
  | { readonly form: FormStep; readonly application: CardApplicationView };

/** The steps taken with one button, without input (the examiner's), each from one state. */
const DIRECT_STEPS: readonly { route: string; label: string; done: string; from: CardIssuanceState }[] = [
  { route: 'register', label: '登録', done: '登録しました（カードを割り当てました）', from: 'applied' },
  { route: 'personalise', label: '作成', done: 'カードを作成しました', from: 'registered' },
  {
    route: 'notice',
    label: '交付通知書を発行',
    done: '交付通知書を発行しました。印刷して本人に送付してください',
    from: 'personalised',
  },
];

/**
 * The steps with a form: the button, the route under the application, what is said once done, the states each starts
 * from and the access it needs on card-issue.
 */
const FORM_STEPS: Readonly<
  Record<
    FormStep,
    {
      label: string;
      route: string;
      done: string;
      from: readonly CardIssuanceState[];
      access: 'write' | 'execute';
    }
  >
> = {
  handover: {
    label: '交付',
    route: 'handover',
    done: '交付しました。続けて本人が暗証番号を設定します',
    from: ['notified'],
    access: 'write',
  },
  activate: {
    label: '暗証番号設定',
    route: 'activate',
    done: '暗証番号を設定しました。カードは有効です',
    from: ['handed-over'],
    access: 'write',
  },
  suspend: {
    label: '一時停止',
    route: 'suspend',
    done: '一時停止しました。全国サーバに通知します',
    from: ['handed-over', 'active'],
    access: 'write',
  },
  lift: {
    label: '一時停止の解除',
    route: 'lift-suspension',
    done: '一時停止を解除しました',
    from: ['suspended'],
    access: 'execute',
  },
  return: {
    label: '返納',
    route: 'return',
    done: '返納を受け付けました',
    from: ['personalised', 'notified', 'handed-over', 'active', 'suspended'],
    access: 'write',
  },
};

/**
 * The steps offered for a card taken over after a move-in: its network status and its return (the card presented at
 * this counter's reader). Its issuance steps were the issuer's.
 */
const TRANSFER_STEPS: readonly FormStep[] = ['suspend', 'lift', 'return'];

/** True when `step` may be offered for `application` (its kind and state; the operator's right is checked apart). */
function offers(application: CardApplicationView, step: FormStep): boolean {
  if (application.kind === 'transfer' && !TRANSFER_STEPS.includes(step)) return false;
  return FORM_STEPS[step].from.includes(application.state);
}

const ON_THE_WAY: readonly CardIssuanceState[] = ['applied', 'registered', 'personalised', 'notified'];
const HELD: readonly CardIssuanceState[] = ['handed-over', 'active'];

/** The route of `step` on `application`. */
function stepPath(application: CardApplicationView, step: string): string {
  return `/api/cards/applications/${encodeURIComponent(application.id)}/${step}`;
}

/** Which applications the resident may file now (the server checks again). */
function applicationsOpen(applications: readonly CardApplicationView[]): { new: boolean; reissue: boolean } {
  const states = applications.map((application) => application.state);
  const busy = states.some((state) => ON_THE_WAY.includes(state) || HELD.includes(state));
  const suspended = states.includes('suspended');
  return { new: !busy && !suspended, reissue: !busy && (suspended || states.includes('returned')) };
}

export function CardIssuancePanel({
  resident,
  operator,
}: {
  resident: { readonly id: string; readonly name: string; readonly closed: boolean };
  operator: OperatorView;
}) {
  const [applications, setApplications] = useState<readonly CardApplicationView[] | undefined>();
  const [open, setOpen] = useState<OpenForm | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const mayWrite = may(operator, 'card-issue', 'write');
  const mayExecute = may(operator, 'card-issue', 'execute');

  const reload = useCallback(async () => {
    const answer = await getJson<{ applications: CardApplicationView[] }>(
      `/api/cards/applications?residentId=${encodeURIComponent(resident.id)}`,
    );
    setApplications(answer.applications);
  }, [resident.id]);
  useEffect(() => {
    reload().catch((caught: unknown) => setError(cardMessageOf(caught)));
  }, [reload]);

  /** Sends a step; on success closes the form (or opens `next`), says what was done and reads the list again. */
  function send(path: string, body: unknown, success: string, next?: OpenForm): void {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    postJson<{ application: CardApplicationView }>(path, body)
      .then(async ({ application }) => {
        setDone(success);
        await reload();
        setOpen(next?.form === 'activate' ? { form: 'activate', application } : next);
      })
      .catch((caught: unknown) => setError(cardMessageOf(caught)))
      .finally(() => setBusy(false));
  }

  const offered =
    applications === undefined || resident.closed
      ? { new: false, reissue: false }
      : applicationsOpen(applications);
  const cancel = (): void => setOpen(undefined);

  return (
    <section aria-labelledby="card-heading" data-testid="card-panel">
      <h3 id="card-heading">住基カード</h3>
      {applications !== undefined &&
        (applications.length === 0 ? (
          <p>住基カードの申請はありません。</p>
        ) : (
          <table data-testid="card-applications">
            <caption>住基カードの申請</caption>
            <thead>
              <tr>
                <th scope="col">申請日時</th>
                <th scope="col">種別</th>
                <th scope="col">様式</th>
                <th scope="col">状態</th>
                <th scope="col">カード番号</th>
                <th scope="col">有効期限</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((application) => (
                <tr key={application.id}>
                  <td>{formatTime(application.appliedAt)}</td>
                  <td>
                    {cardApplicationKindLabel[application.kind]}
                    {application.kind === 'transfer' && application.issuerMunicipality !== null && (
                      <small>（{localGovernmentName(application.issuerMunicipality)}発行）</small>
                    )}
                  </td>
                  <td>{application.faceVersion}様式</td>
                  <td data-testid="card-state">{cardIssuanceStateLabel[application.state]}</td>
                  <td>{application.cardId ?? '—'}</td>
                  <td>{application.validity === null ? '—' : warekiOf(application.validity.validUntil)}</td>
                  <td>
                    <div className="actions wrap">
                      {mayExecute &&
                        application.kind !== 'transfer' &&
                        DIRECT_STEPS.filter((step) => step.from === application.state).map((step) => (
                          <button
                            key={step.route}
                            type="button"
                            disabled={busy}
                            onClick={() => send(stepPath(application, step.route), {}, step.done)}
                          >
                            {step.label}
                          </button>
                        ))}
                      {mayExecute && application.kind !== 'transfer' && application.state === 'notified' && (
                        <a
                          href={stepPath(application, 'notice.pdf')}
                          download={`交付通知書-${resident.name}.pdf`}
                          data-testid="card-notice-pdf"
                        >
                          交付通知書（PDF）
                        </a>
                      )}
                      {(Object.keys(FORM_STEPS) as FormStep[])
                        .filter(
                          (form) =>
                            offers(application, form) &&
                            (FORM_STEPS[form].access === 'write' ? mayWrite : mayExecute),
                        )
                        .map((form) => (
                          <button
                            key={form}
                            type="button"
                            disabled={busy}
                            onClick={() => setOpen({ form, application })}
                          >
                            {FORM_STEPS[form].label}
                          </button>
                        ))}
                    </div>
                    {application.state === 'notified' && application.collectUntil !== null && (
                      <small>交付期限 {warekiOf(application.collectUntil)}</small>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {mayWrite && (offered.new || offered.reissue) && (
        <div className="actions" role="group" aria-label="住基カードの申請">
          {offered.new && (
            <button type="button" disabled={busy} onClick={() => setOpen({ form: 'apply', kind: 'new' })}>
              交付申請
            </button>
          )}
          {offered.reissue && (
            <button type="button" disabled={busy} onClick={() => setOpen({ form: 'apply', kind: 'reissue' })}>
              再交付申請
            </button>
          )}
        </div>
      )}
      <ErrorAlert message={error} />
      <StatusMessage message={done} />
      {open !== undefined && (
        <StepFormFor
          key={open.form === 'apply' ? `apply-${open.kind}` : `${open.form}-${open.application.id}`}
          open={open}
          busy={busy}
          onCancel={cancel}
          onSend={send}
          residentId={resident.id}
        />
      )}
    </section>
  );
}

/** The open form, wired to the route its step posts to. */
function StepFormFor({
  open,
  busy,
  onCancel,
  onSend,
  residentId,
}: {
  open: OpenForm;
  busy: boolean;
  onCancel: () => void;
  onSend: (path: string, body: unknown, success: string, next?: OpenForm) => void;
  residentId: string;
}) {
  const common = { busy, onCancel };
  if (open.form === 'apply') {
    return (
      <ApplicationForm
        {...common}
        kind={open.kind}
        onSend={(body) =>
          onSend(
            '/api/cards/applications',
            { residentId, ...body },
            open.kind === 'new' ? '交付申請を受け付けました' : '再交付申請を受け付けました',
          )
        }
      />
    );
  }
  const { application } = open;
  const post = (body: unknown, next?: OpenForm): void =>
    onSend(stepPath(application, FORM_STEPS[open.form].route), body, FORM_STEPS[open.form].done, next);
  switch (open.form) {
    case 'handover':
      return <HandoverForm {...common} onSend={(body) => post(body, { form: 'activate', application })} />;
    case 'activate':
      return <PinForm {...common} onSend={(body) => post(body)} />;
    case 'suspend':
      return <SuspendForm {...common} onSend={(body) => post(body)} />;
    case 'lift':
      return <LiftForm {...common} onSend={(body) => post(body)} />;
    case 'return':
      return <ReturnForm {...common} cardId={application.cardId} onSend={(body) => post(body)} />;
  }
}
