// Expected outcomes as values: an operation that can be refused by a rule returns a Result instead of throwing.

export type Result<T, R> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: R };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<R>(reason: R): { readonly ok: false; readonly reason: R } {
  return { ok: false, reason };
}
