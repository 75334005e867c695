// The requests around resident cards that cross the network as calls, not messages (docs/protocol/card-terminals.md):
// a municipality's counter terminal and card administrator certified by the national card terminal CA, and the
// identity information of a card holder confirmed at a municipality that does not hold their record.

import { z } from 'zod';
import { isResidentCode } from '../../domain/index.js';

/** The national card terminal CA's certificate, which every card trusts for terminals and administrators. */
export const CARD_TERMINAL_CA_PATH = '/v1/cards/terminal-ca';

/** Certifies a municipality's counter terminal or card administrator key. */
export const CARD_TERMINAL_CERTIFICATES_PATH = '/v1/cards/terminal-certificates';

/** The identity information of a card holder, for an identity confirmation (本人確認) with the card. */
export const IDENTITY_CONFIRMATION_PATH = '/v1/identity/confirmations';

export const cardTerminalCaAnswerSchema = z.strictObject({ certificatePem: z.string().min(1) });

export const cardTerminalCertificateRequestSchema = z.strictObject({
  role: z.enum(['card-terminal', 'card-administrator']),
  publicKeyPem: z.string().min(1).max(4096),
});
export type CardTerminalCertificateRequest = z.output<typeof cardTerminalCertificateRequestSchema>;

export const cardTerminalCertificateAnswerSchema = z.strictObject({ certificatePem: z.string().min(1) });

/** What a municipality sends after the card proved itself, the terminal proved itself and the PIN was right. */
export const identityConfirmationRequestSchema = z.strictObject({
  residentCode: z.string().refine(isResidentCode, { message: 'not a resident code' }),
  cardId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
});
export type IdentityConfirmationRequest = z.output<typeof identityConfirmationRequestSchema>;
