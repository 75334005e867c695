// The resident card (住基カード) API as the terminal reads it (docs/card-issuance.md): the answers' shapes, their
// Japanese labels, and what the operator reads for each refusal of a card or operating hours call.

import {
  findLocalGovernmentByCode,
  formatWareki,
  type IdentityInfo,
  type TerminalFunction,
} from '../../domain/index.js';
import { ApiError, type OperatorView } from './api.js';
import { detailedMessageOf } from './refusal-details.js';

/** Where an application stands (card-workflow.ts), derived by the server from its events. */
export type CardIssuanceState =
  | 'applied'
  | 'registered'
  | 'personalised'
  | 'notified'
  | 'handed-over'
  | 'active'
  | 'suspended'
  | 'returned'
  | 'transferred';

export const cardIssuanceStateLabel: Readonly<Record<CardIssuanceState, string>> = {
  applied: '申請受付',
  registered: '登録済み（作成待ち）',
  personalised: '作成済み（通知書未発行）',
  notified: '交付通知済み（交付待ち）',
  'handed-over': '交付済み（暗証番号未設定）',
  active: '交付済み（有効）',
  suspended: '一時停止中',
  returned: '返納済み',
  transferred: '転出により引継ぎ済み',
};

/** How an application came about (card-store.ts): issued here, re-issued here, or taken over after a move-in. */
export type CardApplicationKind = 'new' | 'reissue' | 'transfer';

export const cardApplicationKindLabel: Readonly<Record<CardApplicationKind, string>> = {
  new: '新規',
  reissue: '再交付',
  transfer: '引継ぎ（転入）',
};

/** How the holder's identity was checked at the counter (identityCheckSchema in card-store.ts). */
export interface IdentityCheck {
  readonly method: 'photo-id' | 'documents' | 'inquiry-reply';
  readonly documentType: string;
  readonly documentNumber: string;
}

export const identityCheckMethodLabel: Readonly<Record<IdentityCheck['method'], string>> = {
  'photo-id': '写真付き本人確認書類（1点）',
  documents: '本人確認書類（2点）',
  'inquiry-reply': '照会書（回答書）',
};

/** The faces a card is printed with, and what each shows. */
export const faceVersionLabel: Readonly<Record<'A' | 'B', string>> = {
  A: 'A様式（写真なし）: 氏名のみを表示',
  B: 'B様式（写真付き）: 氏名・住所・生年月日・性別と顔写真を表示',
};

export const suspensionReasonLabel: Readonly<Record<'loss' | 'theft' | 'other', string>> = {
  loss: '紛失',
  theft: '盗難',
  other: 'その他',
};

/** One application with its card, as GET /api/cards/applications answers it. */
export interface CardApplicationView {
  readonly id: string;
  readonly residentId: string;
  readonly kind: CardApplicationKind;
  /** For a card taken over after a move, the municipality that issued it; null for one issued here. */
  readonly issuerMunicipality: string | null;
  readonly replacesCardId: string | null;
  readonly faceVersion: 'A' | 'B';
  readonly state: CardIssuanceState;
  readonly cardId: string | null;
  readonly validity: { readonly validFrom: string; readonly validUntil: string } | null;
  readonly noticeIssued: boolean;
  readonly collectUntil: string | null;
  readonly appliedAt: string;
}

/** A card in the counter's reader, read without a PIN (GET /api/cards/reader). */
export interface ReaderCardView {
  readonly cardId: string;
  readonly state: string;
  readonly issuerMunicipality: string | null;
  readonly faceVersion: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly pinTriesRemaining: number;
}

/** The card's own states (src/card), as the reader shows them. */
export const cardStateLabel: Readonly<Record<string, string>> = {
  blank: '未発行',
  'transport-protected': '未発行（輸送鍵保護）',
  personalising: '作成中',
  personalised: '暗証番号未設定',
  active: '利用可能',
  locked: 'ロック中',
  expired: '有効期限外',
  returned: '返納済み',
};

/** What POST /api/cards/confirm answers. */
export interface IdentityConfirmationView {
  readonly confirmation: { readonly id: string; readonly confirmedAt: string; readonly expiresAt: string };
  readonly card: {
    readonly cardId: string;
    readonly issuerMunicipality: string;
    readonly validUntil: string;
  };
  readonly identity: IdentityInfo;
  readonly admission: 'single-municipality' | 'window' | 'exception';
}

export const admissionLabel: Readonly<Record<IdentityConfirmationView['admission'], string>> = {
  'single-municipality': '当市区町村の住民（共通運用時間帯によらない）',
  window: '共通運用時間帯内',
  exception: '時間外運用の取り決めによる',
};

/** True when the operator holds `access` on `fn`. */
export function may(
  operator: OperatorView,
  fn: TerminalFunction,
  access: 'read' | 'write' | 'execute',
): boolean {
  return operator.rights[fn].includes(access);
}

/** A local government as people name it: 東京都文京区 for 131059, or the code itself when the directory lacks it. */
export function localGovernmentName(code: string): string {
  const found = findLocalGovernmentByCode(code);
  if (found === undefined) return code;
  return found.kind === 'prefecture' ? found.name : `${found.prefecture}${found.fullName}`;
}

/** An ISO date in 和暦, or as it is when it cannot be read. */
export function warekiOf(date: string): string {
  try {
    return formatWareki(date);
  } catch {
    return date;
  }
}

const CARD_MESSAGES: Readonly<Record<string, string>> = {
  JUKI_ERR_CARD_LOCKED:
    'このカードはロックされています（暗証番号の誤りが続いたため）。本人確認のうえロック解除が必要です',
  JUKI_ERR_CARD_SUSPENDED: 'このカードは一時停止中です（紛失・盗難の届出）。このカードでは本人確認できません',
  JUKI_ERR_CARD_EXPIRED: 'このカードは有効期限外です',
  JUKI_ERR_CARD_PIN_FORMAT: '暗証番号は4桁の数字です',
  JUKI_ERR_CARD_STATE: 'このカードの状態ではこの操作はできません',
  JUKI_ERR_CARD_NOT_IN_READER: 'カードリーダーにこのカードがありません。再読み込みしてください',
  JUKI_ERR_CARD_CERTIFICATE: 'カードの証明書を確認できませんでした',
  JUKI_ERR_CARD_SIGNATURE: 'カードの署名を確認できませんでした',
  JUKI_ERR_CARD_TERMINAL_REFUSED: 'カードがこの窓口端末を受け付けませんでした',
  JUKI_ERR_CARD_ADMIN_REFUSED: 'カードが管理者の認証を受け付けませんでした',
  JUKI_ERR_CARD_FILE: 'カードを読み取れません',
  JUKI_ERR_CARD_APPLICATION_DUPLICATE: 'この住民には手続中の申請または有効なカードがあります',
  JUKI_ERR_CARD_APPLICATION_NOT_FOUND: '申請が見つかりません',
  JUKI_ERR_CARD_IDENTITY_CHECK_REQUIRED: '本人確認の内容を入力してください',
  JUKI_ERR_CARD_ISSUANCE_STATE: '申請の現在の状態ではこの手続はできません',
  JUKI_ERR_CARD_ISSUER_UNAVAILABLE: 'この市区町村にはカード発行の設定がありません',
  JUKI_ERR_CARD_NOTICE_MISMATCH: '通知番号が一致しません。交付通知書の通知番号を確かめてください',
  JUKI_ERR_OPERATING_EXCEPTION_INVALID:
    '取り決めの内容が正しくありません（相手団体・期間・理由・取り決めた者）',
  JUKI_ERR_OPERATING_EXCEPTION_NOT_FOUND: 'この取り決めは見つからないか、既に取り下げられています',
};

/** What the operator reads for a card refusal known by its code alone. */
export function cardCodeMessage(code: string): string {
  return CARD_MESSAGES[code] ?? code;
}

/** What the operator reads for a card or operating hours call that failed (a refusal outside the hours: when they open). */
export function cardMessageOf(caught: unknown): string {
  if (!(caught instanceof ApiError)) return 'サーバに接続できません';
  const serverMessage = typeof caught.body['message'] === 'string' ? caught.body['message'] : '';
  if (caught.code === 'JUKI_ERR_CARD_PIN_WRONG') {
    const left = /(\d+) tries left/.exec(serverMessage)?.[1];
    return left === undefined ? '暗証番号が違います' : `暗証番号が違います（残り${left}回）`;
  }
  const detailed = caught.code === undefined ? undefined : detailedMessageOf(caught.code, serverMessage);
  if (detailed !== undefined) return detailed;
  return (caught.code === undefined ? undefined : CARD_MESSAGES[caught.code]) ?? caught.message;
}
