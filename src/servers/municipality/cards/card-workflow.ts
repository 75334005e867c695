// The steps of resident card issuance at the municipality (DESIGN.md §5 flow 5, DOMAIN.md "The resident card") and the
// state each application is in, derived from its ordered events, never stored (docs/card-issuance.md). Pure.

import { addDays, compareIsoDates } from '../../../domain/index.js';
import { JukinetError, quote } from '../../../shared/errors.js';

/** The events of an application, in the order the workflow takes them. */
export const CardEventKind = {
  /** 申請: the resident applied, identity checked. */
  applied: 'applied',
  /** 登録: the examiner accepted the application and a blank card was assigned to it. */
  registered: 'registered',
  /** 作成: the card was personalised (key pair on the card, code, certificate, validity, face version). */
  personalised: 'personalised',
  /** 交付通知書: the notice was issued (mailed to the resident). */
  noticeIssued: 'notice-issued',
  /** 交付: handed over against the notice, identity checked. */
  handedOver: 'handed-over',
  /** 暗証番号設定: the resident set the PIN; the card is in use. */
  activated: 'activated',
  /** 一時停止: reported lost or stolen. */
  suspended: 'suspended',
  /** 一時停止の解除: found again, identity checked. */
  suspensionLifted: 'suspension-lifted',
  /** 返納: taken back (or never collected); over for good. */
  returned: 'returned',
  /** 引継ぎ: the card of a resident who moved here, taken over from the municipality they left; in use. */
  transferredIn: 'transferred-in',
  /** 転出: the holder moved away with the card, and the new municipality took it over. */
  transferredOut: 'transferred-out',
} as const;
export type CardEventKind = (typeof CardEventKind)[keyof typeof CardEventKind];

/** Where an application stands, derived from its events. */
export const CardIssuanceState = {
  applied: 'applied',
  registered: 'registered',
  personalised: 'personalised',
  notified: 'notified',
  handedOver: 'handed-over',
  active: 'active',
  suspended: 'suspended',
  returned: 'returned',
  /** The holder moved away and the new municipality speaks for the card now. */
  transferred: 'transferred',
} as const;
export type CardIssuanceState = (typeof CardIssuanceState)[keyof typeof CardIssuanceState];

/** The states from which each event may be taken, and the state it leads to (`previous`: back to before suspension). */
const STEPS: Readonly<
  Record<
    CardEventKind,
    { readonly from: readonly CardIssuanceState[]; readonly to: CardIssuanceState | 'previous' }
  >
> = {
  applied: { from: [], to: 'applied' },
  registered: { from: ['applied'], to: 'registered' },
  personalised: { from: ['registered'], to: 'personalised' },
  'notice-issued': { from: ['personalised'], to: 'notified' },
  'handed-over': { from: ['notified'], to: 'handed-over' },
  activated: { from: ['handed-over'], to: 'active' },
  suspended: { from: ['handed-over', 'active'], to: 'suspended' },
  'suspension-lifted': { from: ['suspended'], to: 'previous' },
  returned: { from: ['personalised', 'notified', 'handed-over', 'active', 'suspended'], to: 'returned' },
  'transferred-in': { from: [], to: 'active' },
  'transferred-out': { from: ['handed-over', 'active'], to: 'transferred' },
};

/** The state after `events` (oldest first; the first is always `applied`). */
export function stateOf(events: readonly { readonly kind: CardEventKind }[]): CardIssuanceState {
  let state: CardIssuanceState = 'applied';
  let beforeSuspension: CardIssuanceState = 'active';
  for (const event of events) {
    const to = STEPS[event.kind].to;
    if (to === 'suspended') beforeSuspension = state;
    state = to === 'previous' ? beforeSuspension : to;
  }
  return state;
}

/** Refuses `kind` in `state` with JUKI_ERR_CARD_ISSUANCE_STATE. */
export function checkStep(state: CardIssuanceState, kind: CardEventKind): void {
  if (!STEPS[kind].from.includes(state)) {
    throw new JukinetError('JUKI_ERR_CARD_ISSUANCE_STATE', `${quote(kind)} in ${quote(state)}`);
  }
}

/** States of an application still on its way to the resident: a second application waits for it. */
export const IN_PROGRESS_STATES: readonly CardIssuanceState[] = [
  'applied',
  'registered',
  'personalised',
  'notified',
];

/** States of a card in the resident's hands and usable (while within its validity). */
export const HELD_STATES: readonly CardIssuanceState[] = ['handed-over', 'active'];

/**
 * The validity of a card personalised on `today`: ten years (DOMAIN.md), both days included, so it ends the day before
 * the tenth anniversary (a 29 February start ends on 28 February).
 */
export function cardValidityFrom(today: string): { validFrom: string; validUntil: string } {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const anniversary = new Date(Date.UTC(year + 10, month - 1, day));
  if (anniversary.getUTCDate() !== day) anniversary.setUTCDate(0);
  else anniversary.setUTCDate(anniversary.getUTCDate() - 1);
  return { validFrom: today, validUntil: anniversary.toISOString().slice(0, 10) };
}

/** How long a notified card waits at the office to be collected. */
export const COLLECTION_DAYS = 90;

/** The last day to collect a card whose notice is issued on `today`. */
export function collectionDeadline(today: string): string {
  return addDays(today, COLLECTION_DAYS);
}

/** True when a card with `validUntil` is still valid on `today`. */
export function isWithinValidity(validUntil: string | null, today: string): boolean {
  return validUntil !== null && compareIsoDates(today, validUntil) <= 0;
}
