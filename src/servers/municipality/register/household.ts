// The household rules (世帯, 住民基本台帳法第25条) as pure planners the register runs before it writes: a household with
// members has exactly one head, who is one of them; a household whose last member left has none and is closed.

import { JukinetError, quote } from '../../../shared/errors.js';

/** A household as the rules see it: its address, its head and its current (open) members. */
export interface HouseholdState {
  readonly id: string;
  readonly address: string;
  /** Null only when the household has no current member. */
  readonly headId: string | null;
  readonly memberIds: readonly string[];
}

/**
 * Who heads `household` once `leaving` have left it (転出, 転居 elsewhere, 死亡, 職権消除, 世帯分離):
 * - the head stays: the head is unchanged, and `newHead` must not be given;
 * - nobody remains: null, the household closes;
 * - the head leaves and one member remains: that member, ex officio (no 世帯主変更届 is needed when one member remains;
 *   our reading of 第25条 "政令で定める者を除く");
 * - the head leaves and several remain: `newHead`, which must be one of them (JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED when it
 *   is left out, JUKI_ERR_HOUSEHOLD_MEMBER_INVALID when it names someone else).
 */
export function headAfterLeaving(
  household: HouseholdState,
  leaving: readonly string[],
  newHead?: string,
): string | null {
  const remaining = household.memberIds.filter((id) => !leaving.includes(id));
  const headLeaves = household.headId === null || leaving.includes(household.headId);
  if (!headLeaves) {
    if (newHead !== undefined && newHead !== household.headId) {
      throw new JukinetError(
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
        `newHead ${quote(newHead)}: the head ${quote(household.headId)} of ${quote(household.id)} stays`,
      );
    }
    return household.headId;
  }
  if (newHead !== undefined) {
    if (!remaining.includes(newHead)) {
      throw new JukinetError(
        'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
        `newHead ${quote(newHead)} is not a member who remains in ${quote(household.id)}`,
      );
    }
    return newHead;
  }
  if (remaining.length === 0) return null;
  if (remaining.length === 1) return remaining[0] ?? null;
  throw new JukinetError(
    'JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED',
    `${quote(household.id)} keeps ${remaining.map((id) => quote(id)).join(', ')}`,
  );
}

/** Checks that `residentId` is a current member of `household`. */
export function checkMember(household: HouseholdState, residentId: string): void {
  if (!household.memberIds.includes(residentId)) {
    throw new JukinetError(
      'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      `${quote(residentId)} is not a current member of ${quote(household.id)}`,
    );
  }
}

/** 世帯主変更: checks that `newHead` is a member other than the head. */
export function checkHeadChange(household: HouseholdState, newHead: string): void {
  checkMember(household, newHead);
  if (household.headId === newHead) {
    throw new JukinetError(
      'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      `${quote(newHead)} already heads ${quote(household.id)}`,
    );
  }
}

/**
 * 世帯分離: `moving` (the first of them heads the new household) leave `household` to found one at the same address.
 * Returns the head of the household they leave; someone must remain (moving everyone is no split).
 */
export function planSplit(
  household: HouseholdState,
  moving: readonly string[],
  newHead?: string,
): string | null {
  if (moving.length === 0 || new Set(moving).size !== moving.length) {
    throw new JukinetError(
      'JUKI_ERR_REGISTER_REQUEST_INVALID',
      'members must name each member who leaves once',
    );
  }
  for (const id of moving) checkMember(household, id);
  if (moving.length === household.memberIds.length) {
    throw new JukinetError(
      'JUKI_ERR_HOUSEHOLD_MEMBER_INVALID',
      `a split must leave a member in ${quote(household.id)}`,
    );
  }
  return headAfterLeaving(household, moving, newHead);
}

/** 世帯合併: `from` joins `into` at the same address; `into`'s head heads the merged household and `from` closes. */
export function checkMerge(from: HouseholdState, into: HouseholdState): void {
  if (from.id === into.id) {
    throw new JukinetError('JUKI_ERR_REGISTER_REQUEST_INVALID', `${quote(from.id)} cannot join itself`);
  }
  for (const household of [from, into]) {
    if (household.memberIds.length === 0)
      throw new JukinetError('JUKI_ERR_HOUSEHOLD_CLOSED', quote(household.id));
  }
  if (from.address !== into.address) {
    throw new JukinetError(
      'JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH',
      `${quote(from.address)} is not ${quote(into.address)}`,
    );
  }
}
