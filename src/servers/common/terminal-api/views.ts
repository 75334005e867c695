// What the terminal API answers about operators and their log: only what a screen shows, never hashes or keys.

import type { Operator, OperationRecord } from '../operators/index.js';

/** An operator as the terminal shows them. */
export interface OperatorView {
  readonly id: string;
  readonly loginName: string;
  readonly displayName: string;
  readonly role: Operator['role'];
  readonly rights: Operator['rights'];
  readonly disabled: boolean;
}

/** One row of an operation log as the terminal shows it. */
export interface OperationView {
  readonly seq: number;
  readonly at: string;
  readonly function: string;
  readonly access: string;
  readonly outcome: string;
  readonly errorCode: string | null;
  readonly records: readonly string[];
}

export function operatorView(operator: Operator): OperatorView {
  return {
    id: operator.id,
    loginName: operator.loginName,
    displayName: operator.displayName,
    role: operator.role,
    rights: operator.rights,
    disabled: operator.disabled,
  };
}

export function operationView(record: OperationRecord): OperationView {
  return {
    seq: record.seq,
    at: record.at.toISOString(),
    function: record.fn,
    access: record.access,
    outcome: record.outcome,
    errorCode: record.errorCode,
    records: record.records,
  };
}
