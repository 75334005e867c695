import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../shared/errors.js';
import {
  applyPinAttempt,
  CardCommand,
  checkCommandAllowed,
  COMMAND_STATES,
  effectiveState,
  MAX_PIN_TRIES_LIMIT,
} from './card-rules.js';
import { CardState } from './resident-card.js';

const VALIDITY = { validFrom: '2015-04-01', validUntil: '2025-03-31' };

describe('card rules', () => {
  it('applyPinAttempt() leaves max minus the wrong PINs since the last right one, and locks at zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_PIN_TRIES_LIMIT }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (max, attempts) => {
          let counter = { max, remaining: max };
          let wrongInARow = 0;
          for (const right of attempts) {
            if (counter.remaining === 0) break;
            counter = applyPinAttempt(counter, right);
            wrongInARow = right ? 0 : wrongInARow + 1;
            expect(counter.remaining).toBe(max - wrongInARow);
          }
          const locked = counter.remaining === 0;
          expect(locked).toBe(wrongInARow >= max);
        },
      ),
      { seed: 3, numRuns: 1000 },
    );
  });

  it('a locked or expired card answers with that reason, and reads are allowed in every state', () => {
    for (const state of Object.values(CardState)) {
      for (const command of Object.values(CardCommand)) {
        let code: string | undefined;
        try {
          checkCommandAllowed(command, state);
        } catch (error) {
          if (!isJukinetError(error)) throw error;
          code = error.code;
        }
        if (COMMAND_STATES[command].includes(state)) expect(code).toBeUndefined();
        else if (state === CardState.locked) expect(code).toBe('JUKI_ERR_CARD_LOCKED');
        else if (state === CardState.expired) expect(code).toBe('JUKI_ERR_CARD_EXPIRED');
        else expect(code).toBe('JUKI_ERR_CARD_STATE');
      }
      checkCommandAllowed(CardCommand.readPublicInfo, state);
      checkCommandAllowed(CardCommand.readStatus, state);
    }
    // Nothing reveals the code or signs outside the active state.
    expect(COMMAND_STATES.readResidentCode).toEqual([CardState.active]);
    expect(COMMAND_STATES.internalAuthenticate).toEqual([CardState.active]);
  });

  it('effectiveState() reads as expired only outside the validity, and only once personalised', () => {
    expect(effectiveState(CardState.active, VALIDITY, '2025-03-31')).toBe(CardState.active);
    expect(effectiveState(CardState.active, VALIDITY, '2025-04-01')).toBe(CardState.expired);
    expect(effectiveState(CardState.locked, VALIDITY, '2015-03-31')).toBe(CardState.expired);
    expect(effectiveState(CardState.personalised, VALIDITY, '2026-01-01')).toBe(CardState.expired);
    expect(effectiveState(CardState.personalising, VALIDITY, '2026-01-01')).toBe(CardState.personalising);
    expect(effectiveState(CardState.returned, VALIDITY, '2026-01-01')).toBe(CardState.returned);
  });
});
