// The modulus-11 check digit shared by the 住民票コード (平成14年総務省告示第436号) and the 個人番号 (総務省令第85号).

/**
 * The position weight Q_n for the n-th digit counted from the rightmost of the body (n ≥ 1): n + 1 for n ≤ 6,
 * n − 5 above. One function for both codes, so that the 個人番号's published examples cross-check our reading.
 */
export function mod11Weight(n: number): number {
  return n <= 6 ? n + 1 : n - 5;
}

/**
 * The weighted remainder r = (Σ P_n × Q_n) mod 11 over a body of digits, P_n counted from the rightmost. Two
 * remainders (0 and 1) give the same check digit, which is why a few single-digit errors go undetected.
 */
export function mod11Remainder(body: string): number {
  let sum = 0;
  for (let n = 1; n <= body.length; n++) {
    sum += (body.charCodeAt(body.length - n) - 48) * mod11Weight(n);
  }
  return sum % 11;
}

/** The check digit for a body of decimal digits: 0 when r ≤ 1, otherwise 11 − r. The caller checks the body. */
export function mod11CheckDigit(body: string): number {
  const r = mod11Remainder(body);
  return r <= 1 ? 0 : 11 - r;
}
