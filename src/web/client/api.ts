// Calls from the terminal application to its own node's terminal API (same origin), with typed answers and errors.
// State-changing calls carry the terminal header the server requires (CSRF); the session travels in an HttpOnly cookie.

import type { AccessKind, OperatorRole, TerminalFunction } from '../../domain/index.js';
import { detailedMessageOf } from './refusal-details.js';

/** What GET /api/status answers (src/servers/common/terminal-server.ts). */
export interface NodeStatus {
  readonly nodeId: string;
  readonly role: 'national' | 'prefecture' | 'municipality' | 'agency';
  readonly name: string;
  readonly ready: boolean;
  readonly queue: Readonly<Record<string, { readonly queued: number; readonly state: string }>>;
  readonly directoryIssuedAt: string;
}

/** An operator as the API shows them (src/servers/common/terminal-api/views.ts). */
export interface OperatorView {
  readonly id: string;
  readonly loginName: string;
  readonly displayName: string;
  readonly role: OperatorRole;
  readonly rights: Readonly<Record<TerminalFunction, readonly AccessKind[]>>;
  readonly disabled: boolean;
}

/** The logged-in operator and how long the session survives without use. */
export interface SessionView {
  readonly operator: OperatorView;
  readonly idleTimeoutMs: number;
}

/** One row of the operation log as the API shows it. */
export interface OperationView {
  readonly seq: number;
  readonly at: string;
  readonly function: string;
  readonly access: string;
  readonly outcome: 'ok' | 'refused' | 'failed';
  readonly errorCode: string | null;
  readonly records: readonly string[];
}

/** A refusal or failure from the API, with the catalogue code when the server gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** The error object of the answer as the server sent it (a likely duplicate lists its candidates there). */
    readonly body: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The header the server requires on every state-changing request (terminal-api/terminal-identity.ts). */
const TERMINAL_HEADER = { 'x-jukinet-terminal': '1' } as const;

const listeners = { activity: (): void => undefined, sessionEnded: (_code: string): void => undefined };

/** Called after each answered call (the idle timer restarts) and when the server says the session has ended. */
export function onApiEvents(handlers: { activity: () => void; sessionEnded: (code: string) => void }): void {
  listeners.activity = handlers.activity;
  listeners.sessionEnded = handlers.sessionEnded;
}

/** GETs `path` and returns its JSON; throws ApiError for a non-2xx answer or when the server cannot be reached. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return call<T>(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
}

/** POSTs `body` as JSON to `path` with the terminal header. */
export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>(path, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', ...TERMINAL_HEADER },
    body: JSON.stringify(body),
  });
}

/** POSTs `body` as JSON and returns the answer as a file (a certificate's PDF). */
export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const response = await send(path, {
    method: 'POST',
    headers: { accept: 'application/pdf', 'content-type': 'application/json', ...TERMINAL_HEADER },
    body: JSON.stringify(body),
  });
  return response.blob();
}

/** A file answered with the headers that describe it (a wide-area copy's fee and pages). */
export interface FileAnswer {
  readonly blob: Blob;
  readonly headers: Headers;
}

/** POSTs `body` as JSON and returns the PDF it answers with the answer's headers. */
export async function postForPdf(path: string, body: unknown): Promise<FileAnswer> {
  const response = await send(path, {
    method: 'POST',
    headers: { accept: 'application/pdf', 'content-type': 'application/json', ...TERMINAL_HEADER },
    body: JSON.stringify(body),
  });
  return { blob: await response.blob(), headers: response.headers };
}

async function call<T>(path: string, init: RequestInit): Promise<T> {
  const response = await send(path, init);
  return (await response.json()) as T;
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, undefined, 'サーバに接続できません');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } & Record<string, unknown> } | undefined;
    const code = body?.error?.code;
    if (path.startsWith('/api/') && !path.startsWith('/api/status') && isSessionEnd(code)) {
      listeners.sessionEnded(code);
    }
    throw new ApiError(
      response.status,
      code,
      messageOf(code, response.status, body?.error?.message),
      body?.error ?? {},
    );
  }
  if (path.startsWith('/api/') && !path.startsWith('/api/status')) listeners.activity();
  return response;
}

function isSessionEnd(code: string | undefined): code is string {
  return code === 'JUKI_ERR_SESSION_EXPIRED' || code === 'JUKI_ERR_SESSION_INVALID';
}

/** What the operator reads for each error code (docs/errors.md); the code itself is shown with unknown ones. */
const MESSAGES: Readonly<Record<string, string>> = {
  JUKI_ERR_LOGIN_PASSWORD: 'ログイン名またはパスワードが正しくありません',
  JUKI_ERR_LOGIN_NO_KEY: 'セキュリティキーが登録されていません。管理者に連絡してください',
  JUKI_ERR_LOGIN_KEY: 'セキュリティキーを確認できませんでした',
  JUKI_ERR_LOGIN_KEY_UNKNOWN: 'このセキュリティキーは登録されていません',
  JUKI_ERR_OPERATOR_DISABLED: 'この操作者は利用停止中です。管理者に連絡してください',
  JUKI_ERR_CHALLENGE_INVALID:
    '手続きの有効期限が切れたか、コードが正しくありません。最初からやり直してください',
  JUKI_ERR_SESSION_EXPIRED: '一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください',
  JUKI_ERR_SESSION_INVALID: 'ログインしてください',
  JUKI_ERR_OPERATOR_FORBIDDEN: 'この操作を行う権限がありません',
  JUKI_ERR_PASSWORD_POLICY:
    'パスワードが基準を満たしていません（12文字以上、ログイン名を含まない、推測されやすいものは不可）',
  JUKI_ERR_OPERATOR_EXISTS: 'このログイン名は既に使われています',
  JUKI_ERR_OPERATORS_EXIST: '初期設定は既に済んでいます',
  JUKI_ERR_OPERATOR_REQUEST_INVALID: '入力内容が正しくありません（ログイン名は英小文字で始まる3〜32文字）',
  JUKI_ERR_OPERATOR_SELF_CHANGE: '自分自身のアカウントは変更できません',
  JUKI_ERR_OPERATOR_NOT_FOUND: '操作者が見つかりません',
  JUKI_ERR_KEY_ENROLMENT_REFUSED: 'セキュリティキーを登録できませんでした',
  JUKI_ERR_REQUEST_INVALID: '入力内容が正しくありません',
  JUKI_ERR_TERMINAL_HEADER: '端末からの要求として受け付けられません',
  JUKI_ERR_REGISTER_REQUEST_INVALID: '入力内容が正しくありません',
  JUKI_ERR_REGISTER_DATE_IN_FUTURE: '未来の日付は記録できません',
  JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH: '異動日が生年月日より前です',
  JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE: '異動日が前回の異動より前です',
  JUKI_ERR_REGISTER_FILED_BEFORE_DATE: '届出日が異動日より前です',
  JUKI_ERR_RESIDENT_LIKELY_DUPLICATE: '同じ氏名・フリガナ・生年月日の住民が既に記録されています',
  JUKI_ERR_RESIDENT_NOT_FOUND: '住民が見つかりません',
  JUKI_ERR_RESIDENT_CLOSED: 'この住民票は既に消除されています',
  JUKI_ERR_RESIDENT_CODE_IN_USE: 'この住民票コードは既に使われています',
  JUKI_ERR_RESIDENT_CODE_CHECK_DIGIT: '住民票コードの検査数字が正しくありません',
  JUKI_ERR_RESIDENT_CODE_LENGTH: '住民票コードは11桁です',
  JUKI_ERR_RESIDENT_CODE_NON_DIGIT: '住民票コードは数字のみです',
  JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED: '残る世帯員から新しい世帯主を選んでください',
  JUKI_ERR_HOUSEHOLD_NOT_FOUND: '世帯が見つかりません',
  JUKI_ERR_HOUSEHOLD_CLOSED: 'この世帯は既に消滅しています',
  JUKI_ERR_HOUSEHOLD_EXISTS: 'この世帯番号は既に使われています',
  JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH: '世帯の住所と一致しません',
  JUKI_ERR_HOUSEHOLD_MEMBER_INVALID: '世帯員の指定が正しくありません',
  JUKI_ERR_NOTIFICATION_NOT_FOUND: '届出が見つかりません',
  JUKI_ERR_NOTIFICATION_NOT_PENDING: 'この届出は既に処理されています',
  JUKI_ERR_NOTIFICATION_SELF_CONFIRM: '自分が受け付けた届出は決裁できません',
  JUKI_ERR_CERTIFICATE_NO_PERSONS: '交付する者を選んでください',
  JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD: '選んだ者がこの世帯にいません',
  JUKI_ERR_CERTIFICATE_RECORD_STATE: '除票は除票の写しで、現存する住民票は住民票の写しで交付してください',
  JUKI_ERR_CERTIFICATE_REQUEST_INVALID: '証明書の指定が正しくありません',
  JUKI_ERR_CERTIFICATE_GLYPH_MISSING: '印字できない文字が含まれています',
  JUKI_ERR_OUTSIDE_OPERATING_HOURS: '共通運用時間帯外です',
  JUKI_ERR_IDENTITY_NOT_FOUND: 'この住民票コードの住民は全国サーバにありません',
  JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND: 'カードによる本人確認が見つかりません。もう一度本人確認してください',
  JUKI_ERR_CARD_CONFIRMATION_EXPIRED:
    'カードによる本人確認の有効期限（30分）が過ぎました。もう一度カードで本人確認してください',
  JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING: '広域交付に参加していない市区町村です',
  JUKI_ERR_WIDE_AREA_OWN_RESIDENT:
    '当市区町村の住民です。広域交付ではなく、住民票照会から証明書交付をしてください',
  JUKI_ERR_WIDE_AREA_RECORD_CLOSED: 'この住民票は消除されています（除票は広域交付できません）',
  JUKI_ERR_WIDE_AREA_REQUESTER:
    '請求者（カードの本人）はこの住民の世帯に属していません。広域交付は本人または同一世帯の者に限ります',
  JUKI_ERR_WIDE_AREA_ANSWER_INVALID: '住所地市区町村からの回答を確認できませんでした',
  JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED:
    'この住民は有効な住基カードを持っていません。付記転出届には交付済みで有効期限内の住基カードが必要です',
  JUKI_ERR_SPECIAL_MOVE_DATE: '転出予定年月日が転入転出の特例の期間を超えています',
  JUKI_ERR_SPECIAL_MOVE_ALREADY_PLANNED: '既に付記転出届（特例転出予定）がある者が含まれています',
  JUKI_ERR_SPECIAL_MOVE_NOT_FOUND:
    '転出元の市区町村に、当市区町村を転出先とする決裁済みの付記転出届がありません（転出先が違うか、届出がありません）',
  JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED:
    '転入転出の特例の期限を過ぎています。通常の転出届・転入届を行ってください',
  JUKI_ERR_SPECIAL_MOVE_INFO_INVALID: '転出元から受け取った転出証明書情報を確認できませんでした',
  JUKI_ERR_SPECIAL_MOVE_INFO_NOT_FOUND: '転出証明書情報が見つかりません。もう一度取得してください',
  JUKI_ERR_SPECIAL_MOVE_INFO_USED: 'この転出証明書情報は既に転入の届出に使われています',
};

/**
 * The Japanese message of an error code; with the server's `detail` (its message), the sentence that names what the
 * code alone cannot (when the common operating hours open, a time limit, a municipality).
 */
export function messageOf(code: string | undefined, status = 0, detail?: string): string {
  const detailed = code === undefined || detail === undefined ? undefined : detailedMessageOf(code, detail);
  if (detailed !== undefined) return detailed;
  if (code !== undefined && MESSAGES[code] !== undefined) return MESSAGES[code];
  return code === undefined ? `サーバがエラーを返しました (${status})` : `エラーが発生しました (${code})`;
}
