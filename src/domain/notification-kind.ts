// The kinds of 届出 and 職権 acts the municipal terminal takes (docs/terminal-api.md): each with its Japanese label,
// what it acts on, and the terminal function it belongs to. Shared by the server's routes and the terminal's screens.

import type { TerminalFunction } from './operator-rights.js';

/**
 * The kinds, in the order the 届出 menu lists them: the 届出 first, then the 職権 acts. `special-move-out` (付記転出届)
 * and `special-move-in` (特例転入届) are the two ends of the one-visit move (転入転出の特例, docs/special-move.md).
 */
export const NOTIFICATION_KINDS = [
  'birth',
  'entry-from-abroad',
  'move-in',
  'special-move-in',
  'move-within',
  'move-out',
  'special-move-out',
  'death',
  'name-change',
  'code-change',
  'household-head-change',
  'household-split',
  'household-merge',
  'official-entry',
  'official-deletion',
  'official-correction',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The Japanese label of each kind, as the terminal shows it. */
export const notificationKindLabel: Readonly<Record<NotificationKind, string>> = {
  birth: '出生届',
  'entry-from-abroad': '国外からの転入届',
  'move-in': '転入届',
  'move-within': '転居届',
  'move-out': '転出届',
  'special-move-out': '付記転出届',
  'special-move-in': '特例転入届',
  death: '死亡届',
  'name-change': '氏名変更',
  'code-change': '住民票コード変更請求',
  'household-head-change': '世帯主変更届',
  'household-split': '世帯分離',
  'household-merge': '世帯合併',
  'official-entry': '職権記載',
  'official-deletion': '職権消除',
  'official-correction': '職権修正',
};

/** A notification's state: pending (受付) until an examiner confirms (決裁: applied) or rejects it. */
export const NotificationStatus = {
  pending: 'pending',
  applied: 'applied',
  rejected: 'rejected',
} as const;
export type NotificationStatus = (typeof NotificationStatus)[keyof typeof NotificationStatus];

/** What a kind names besides its request: nothing (a new record), a record, or a household. */
export type NotificationSubject = 'none' | 'resident' | 'household';

const SUBJECT_OF_KIND: Readonly<Record<NotificationKind, NotificationSubject>> = {
  birth: 'none',
  'entry-from-abroad': 'none',
  'move-in': 'none',
  'special-move-in': 'none',
  'official-entry': 'none',
  'move-within': 'resident',
  'move-out': 'resident',
  'special-move-out': 'resident',
  death: 'resident',
  'name-change': 'resident',
  'code-change': 'resident',
  'official-deletion': 'resident',
  'official-correction': 'resident',
  'household-head-change': 'household',
  'household-split': 'household',
  'household-merge': 'household',
};

/** What `kind` acts on. */
export function subjectOf(kind: NotificationKind): NotificationSubject {
  return SUBJECT_OF_KIND[kind];
}

const OFFICIAL_KINDS: ReadonlySet<NotificationKind> = new Set<NotificationKind>([
  'official-entry',
  'official-deletion',
  'official-correction',
]);

/** The terminal function a kind needs: the 職権 acts are `official-action`, every 届出 else `notification`. */
export function functionOfKind(
  kind: NotificationKind,
): Extract<TerminalFunction, 'notification' | 'official-action'> {
  return OFFICIAL_KINDS.has(kind) ? 'official-action' : 'notification';
}
