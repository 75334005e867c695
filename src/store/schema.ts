// The typed shape of every table the migrations create (src/store/migrations/). Kysely checks queries against it.
// Timestamps are ISO-8601 UTC text (`2024-04-01T09:30:00.000Z`): sortable as text and identical on both engines.

import type { ColumnType, Generated } from 'kysely';

/** An ISO-8601 UTC timestamp as produced by `toIsoTimestamp()` (`Date#toISOString()`), e.g. `2024-04-01T09:30:00.000Z`. */
export type IsoTimestamp = string;

/** The next sequence number the outbox will give a message to each peer. */
export interface OutboxChannelTable {
  peer: string;
  next_seq: number;
}

/** A signed message waiting for (or done with) delivery to a peer, committed with the change that caused it. */
export interface OutboxTable {
  /** UUIDv7 of the message. */
  id: string;
  peer: string;
  seq: number;
  type: string;
  /** The signed envelope as JSON text. */
  envelope: string;
  created_at: IsoTimestamp;
  attempts: Generated<number>;
  next_attempt_at: IsoTimestamp | null;
  last_error: string | null;
  delivered_at: IsoTimestamp | null;
}

/** The last sequence number applied from each sender. */
export interface InboxChannelTable {
  from_node: string;
  last_seq: number;
}

/** Messages applied from each sender: the exactly-once record. */
export interface InboxTable {
  from_node: string;
  id: string;
  seq: number;
  type: string;
  received_at: IsoTimestamp;
}

/** Messages received ahead of a gap in the sender's sequence, held until the gap closes. */
export interface InboxPendingTable {
  from_node: string;
  seq: number;
  id: string;
  envelope: string;
  received_at: IsoTimestamp;
}

/** Security-relevant events (refused peers, bad signatures, …), in order of insertion. */
export interface SecurityEventTable {
  id: Generated<number>;
  at: IsoTimestamp;
  kind: string;
  peer: string | null;
  /** JSON text. */
  detail: string;
}

/** Node-level settings, e.g. which node owns this database. */
export interface MetaTable {
  key: string;
  value: string;
}

/** National: every resident code ever generated, so none is generated twice (住基法第30条の2). */
export interface CodePoolTable {
  code: string;
  /** The code_block the code was generated for. */
  block_id: string;
  generated_at: IsoTimestamp;
}

/** National and prefectures: the code blocks granted, one per (holder, request id) so that a retry gets the same one. */
export interface CodeBlockTable {
  id: string;
  /** The node the block was granted to (a prefecture by national, a municipality by its prefecture). */
  holder: string;
  request_id: string;
  size: number;
  granted_at: IsoTimestamp;
}

/**
 * Prefectures and municipalities: the codes this node holds (住基法第30条の3). A code is available while
 * `granted_to` and `taken_at` are null; a granted or taken code never becomes available again.
 */
export interface CodeHoldingTable {
  code: string;
  /** The block it arrived in. */
  block_id: string;
  received_at: IsoTimestamp;
  /** Prefectures: the municipality it was granted to, in which block, and when. */
  granted_to: string | null;
  granted_block: string | null;
  granted_at: IsoTimestamp | null;
  /** Municipalities: when it was assigned to a person. */
  taken_at: IsoTimestamp | null;
}

/** Municipalities: a household (世帯) of the register: its address and its head (世帯主), null while it has none. */
export interface HouseholdTable {
  id: string;
  head_resident_id: string | null;
  address: string;
  created_at: IsoTimestamp;
}

/**
 * Municipalities: one resident record (住民票) of the register. `state` is the JSON projection of the record's actions
 * (src/servers/municipality/register/), rebuilt from `resident_action`; `closed` (0 or 1) marks a 除票.
 */
export interface ResidentTable {
  id: string;
  resident_code: string;
  household_id: string;
  /** JSON text. */
  state: string;
  /** The number of actions applied. */
  version: number;
  closed: number;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** Municipalities: one action (異動: a 届出 or an official act) on a resident record, numbered from 1 per record. */
export interface ResidentActionTable {
  id: string;
  resident_id: string;
  seq: number;
  kind: string;
  /** JSON text. */
  payload: string;
  /** 届出日: the day it was filed. */
  filed_on: string;
  /** 異動日: the day the change took effect. */
  effective_on: string;
  recorded_at: IsoTimestamp;
  operator: string | null;
}

/**
 * Prefectures and national: one version of a resident's identity information (本人確認情報), numbered from 1 per code
 * in arrival order. `info` is the canonical JSON of the IdentityInfo; `closed` (0 or 1) says the version closes the
 * record (src/servers/common/identity-history.ts).
 */
export interface IdentityVersionTable {
  resident_code: string;
  version: number;
  lg_code: string;
  info: string;
  reason: string;
  change_date: string;
  recorded_at: IsoTimestamp;
  /** The node whose change it is (the originating municipality, or this node itself). */
  origin: string;
  /** The id of the message that carried it, when one did. */
  message_id: string | null;
  closed: number;
}

/** The projection of each code's history: the version in effect, rebuilt from `identity_version` when needed. */
export interface IdentityCurrentTable {
  resident_code: string;
  version: number;
  lg_code: string;
  info: string;
  reason: string;
  change_date: string;
  closed: number;
}

/** National: the relayed originals applied, `(original.from, original.id)`, so that a second copy is refused. */
export interface RelaySeenTable {
  original_from: string;
  original_id: string;
  relayed_by: string;
  seen_at: IsoTimestamp;
}

/** Terminal operators (操作者): login name, role, per-operator rights overrides, argon2id password hash. */
export interface OperatorTable {
  id: string;
  login_name: string;
  display_name: string;
  /** An `OperatorRole`. */
  role: string;
  /** `RightsOverrides` as JSON text. */
  rights_overrides: string;
  /** PHC string (`$argon2id$…`). */
  password_hash: string;
  /** 0 or 1. */
  disabled: number;
  /** Failed logins in a row since the last successful one. */
  failed_logins: number;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** An operator's security key (FIDO2/WebAuthn credential, the operator IC card). */
export interface OperatorCredentialTable {
  /** The credential id, base64url. */
  id: string;
  operator_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  /** The authenticator's signature counter as last seen. */
  counter: number;
  /** JSON list of transports (`usb`, `nfc`, …). */
  transports: string;
  created_at: IsoTimestamp;
  last_used_at: IsoTimestamp | null;
}

/** A WebAuthn challenge waiting for its answer: a pending login or a key enrolment, used once, until `expires_at`. */
export interface OperatorChallengeTable {
  /** SHA-256 (hex) of the handle given to the terminal. */
  id: string;
  /** `login` or `key-enrolment`. */
  purpose: string;
  /** base64url. */
  challenge: string;
  /** The operator who logs in, or whose key is enrolled. */
  operator_id: string;
  /** The administrator enrolling the key; null for a login and for the first administrator's key. */
  actor_id: string | null;
  terminal: string;
  created_at: IsoTimestamp;
  expires_at: IsoTimestamp;
}

/** An operator's session at a terminal, ended by logout, inactivity or the operator being disabled. */
export interface OperatorSessionTable {
  /** SHA-256 (hex) of the session token, so a copy of the database gives no usable token. */
  id: string;
  operator_id: string;
  terminal: string;
  created_at: IsoTimestamp;
  last_seen_at: IsoTimestamp;
  ended_at: IsoTimestamp | null;
  ended_reason: string | null;
}

/**
 * The operation log (操作履歴): one row per operation, hash-chained: `hash` is SHA-256 over the canonical JSON of the
 * row's content and `prev_hash` (src/servers/common/operators/operation-log.ts).
 */
export interface OperationLogTable {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  at: IsoTimestamp;
  /** Null when nobody was identified (a login with an unknown name). */
  operator_id: string | null;
  terminal: string;
  function: string;
  access: string;
  /** JSON list of the ids and codes of the records touched. */
  records: string;
  /** `ok`, `refused` or `failed`. */
  outcome: string;
  error_code: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * Municipalities: one linkage message the CS applied, by the register's action id (docs/linkage.md), so that the same
 * action fed again is a duplicate that changes nothing.
 */
export interface LinkageAppliedTable {
  action_id: string;
  /** The resident code the message carried. */
  resident_code: string;
  applied_at: IsoTimestamp;
  /** Where it came from: `register` (ours, in-process), `import` (a CSV file) or `api` (the JSON message API). */
  source: string;
}

/**
 * Municipalities: one 届出 entered at the terminal (docs/terminal-api.md), pending until an examiner confirms it (the
 * register then records it) or rejects it.
 */
export interface NotificationTable {
  /** UUIDv7. */
  id: string;
  /** The register action it asks for (`birth`, `move-in`, …, `official-correction`). */
  kind: string;
  /** `pending`, `applied` or `rejected`. */
  status: string;
  /** The record it concerns, for the kinds that concern one. */
  resident_id: string | null;
  /** The household it concerns, for the 世帯 kinds. */
  household_id: string | null;
  /** JSON: the register request as entered, with 届出日 and 異動日 filled in. */
  request: string;
  /** 1 when filed after the 14-day period (住民基本台帳法第22条〜第25条), else 0. */
  late: number;
  /** The operator who entered it. */
  entered_by: string;
  entered_at: IsoTimestamp;
  /** The operator who confirmed or rejected it. */
  decided_by: string | null;
  decided_at: IsoTimestamp | null;
  /** Why it was rejected. */
  reason: string | null;
  /** JSON list of the records the confirmed action produced or changed (summaries); [] before. */
  results: string;
}

/** A municipality's resident card application (住基カード交付申請) and the card it becomes (docs/card-issuance.md). */
export interface CardApplicationTable {
  /** UUIDv7. */
  id: string;
  /** The register record of the applicant. */
  resident_id: string;
  /** `new` (交付), `reissue` (再交付) or `transfer` (a card brought along by a resident who moved here). */
  kind: string;
  /** For a re-issuance, the card it replaces (suspended or returned). */
  replaces_card_id: string | null;
  /** `A` or `B`. */
  face_version: string;
  /** JSON: how the applicant's identity was checked at application (method, document type and number). */
  identity_check: string;
  /** The card's id, from registration (登録) on. */
  card_id: string | null;
  /** Base64url transport key of the blank card, from registration until personalisation removes it. */
  transport_key: string | null;
  /** SHA-256 fingerprint of the card certificate, from personalisation on. */
  certificate_fingerprint: string | null;
  /** ISO dates, from personalisation on. */
  valid_from: string | null;
  valid_until: string | null;
  /** The 交付通知書's number, which handover checks. */
  notice_number: string | null;
  /** The last day to collect the card, an ISO date. */
  collect_until: string | null;
  applied_by: string;
  applied_at: IsoTimestamp;
  /** For a card taken over after its holder moved here (kind `transfer`), its issuing municipality; else null. */
  issuer_municipality: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One step of a card application, in order: its state is derived from these (docs/card-issuance.md). */
export interface CardEventTable {
  application_id: string;
  /** 1, 2, … per application. */
  seq: number;
  /** `applied`, `registered`, `personalised`, `notice-issued`, `handed-over`, `activated`, `suspended`, … */
  kind: string;
  /** The operator who did it. */
  operator: string;
  at: IsoTimestamp;
  /** JSON: what the step recorded (an identity check, a reason). */
  detail: string;
}

/** The national server's record of a card's network status (一時停止): no personal data, no resident code. */
export interface CardStatusTable {
  card_id: string;
  /** The issuing municipality's node id. */
  issuer: string;
  /** SHA-256 fingerprint of the card certificate. */
  fingerprint: string;
  /** `suspended`, `active` or `returned`. */
  state: string;
  /** When the municipality changed it. */
  changed_at: IsoTimestamp;
  /** When the national server recorded it. */
  recorded_at: IsoTimestamp;
}

/** An exception to the common operating hours arranged between municipalities (共通運用時間帯の例外). */
export interface OperatingExceptionTable {
  id: string;
  /** The cross-municipality service it opens (`wide-area-copy`, `special-move`, `identity-confirmation`). */
  service: string;
  /** JSON array of the LG codes it is arranged between, this municipality's included. */
  municipalities: string;
  starts_at: IsoTimestamp;
  ends_at: IsoTimestamp;
  reason: string;
  /** Who agreed: the officials or offices, as the arrangement names them. */
  arranged_by: string;
  /** The operator who recorded it. */
  recorded_by: string;
  recorded_at: IsoTimestamp;
  withdrawn_by: string | null;
  withdrawn_at: IsoTimestamp | null;
}

/** An identity confirmation (本人確認) with a resident card at this municipality's counter. */
export interface CardConfirmationTable {
  id: string;
  card_id: string;
  /** The LG code of the municipality that issued the card. */
  issuer_municipality: string;
  resident_code: string;
  /** SHA-256 fingerprint of the card certificate. */
  fingerprint: string;
  /** `A` or `B`. */
  face_version: string;
  /** The card's validity, ISO dates. */
  valid_from: string;
  valid_until: string;
  /** The operator at whose terminal the card was confirmed. */
  operator: string;
  confirmed_at: IsoTimestamp;
  /** After this, the confirmation no longer serves a request: the resident presents the card again. */
  expires_at: IsoTimestamp;
}

/** The address municipality's log of its wide-area copy answers (広域交付): who asked, when, which codes; no items. */
export interface WideAreaAnswerTable {
  id: string;
  /** The asking municipality's node id and LG code, from its mTLS certificate. */
  requested_by_node: string;
  requested_by: string;
  answered_at: IsoTimestamp;
  /** The code the copy was asked for. */
  resident_code: string;
  /** JSON array of the codes whose items the answer carried. */
  codes_answered: string;
  /** 1 when the answer carried every current member of the household. */
  whole_household: number;
  /** Why the common operating hours let it run: `window`, `exception` (OperatingAdmission.basis). */
  admission_basis: string;
}

/** The issuing municipality's record of each wide-area copy it issued, with its own fee. */
export interface WideAreaCopyTable {
  id: string;
  issued_at: IsoTimestamp;
  /** The operator who issued it. */
  operator: string;
  /** `card` or `photo-id`. */
  requester_method: string;
  /** The document shown: `resident-card`, or a photo ID's kind (`drivers-license`, `passport`, …). */
  document_type: string;
  /** Its number: the card id, or the number printed on the photo ID. */
  document_number: string;
  /** The card confirmation (card_confirmation.id) the copy relied on; null for a photo ID. */
  card_confirmation_id: string | null;
  /** The LG code of the address municipality that answered. */
  address_lg_code: string;
  resident_code: string;
  /** JSON array of the codes printed, in print order. */
  codes_printed: string;
  /** The fee charged, in yen (the issuing municipality's). */
  fee: number;
  pages: number;
  /** The address municipality's id of its answer (wide_area_answer.id there). */
  answer_id: string;
  admission_basis: string;
}

/** 転出証明書情報 received from the old municipality for a one-visit move (転入転出の特例), at the new municipality. */
export interface SpecialMoveOutInfoTable {
  id: string;
  /** The old municipality's id of its advance move-out notice (付記転出届). */
  notice_id: string;
  /** The old municipality's LG code. */
  source_lg_code: string;
  /** The card holder's resident code. */
  resident_code: string;
  /** The card confirmation (card_confirmation.id) the request relied on. */
  confirmation_id: string;
  card_id: string;
  /** 転出予定年月日, an ISO date. */
  planned_date: string;
  /** The answer as received (JSON, docs/protocol/special-move.md). */
  info: string;
  /** The operator at whose terminal it was asked for. */
  received_by: string;
  received_at: IsoTimestamp;
  /** When a confirmed move-in used it; null until then. */
  used_at: IsoTimestamp | null;
  /** The record the move-in opened for the card holder. */
  used_by: string | null;
}

/** One step of a one-visit move at either end: what was asked, answered, sent or applied, and its outcome. */
export interface SpecialMoveEventTable {
  id: string;
  at: IsoTimestamp;
  /** `out-info-answered`, `out-info-refused`, `out-info-received`, `moved-in-sent`, `moved-in-applied`, … */
  kind: string;
  notice_id: string | null;
  /** The LG code of the other municipality. */
  peer: string;
  /** JSON array of the resident codes concerned. */
  resident_codes: string;
  /** The operator, where a terminal operation took the step. */
  operator: string | null;
  /** `ok` or `refused`. */
  outcome: string;
  error_code: string | null;
  /** JSON object with what else the step names (dates, the message id). */
  detail: string;
}

/** A locked card a clerk unlocked at this municipality's counter, with the identity check made off the card. */
export interface CardUnlockTable {
  id: string;
  card_id: string;
  issuer_municipality: string;
  /** JSON: the identity check (method, document type and number). */
  identity_check: string;
  operator: string;
  at: IsoTimestamp;
}

/** National: each signed version of the affair registry (別表) loaded from a file (docs/agencies.md). */
export interface AffairRegistryTable {
  version: number;
  /** The first day the version governs provision, an ISO date. */
  effective_date: string;
  /** The registry as canonical JSON: exactly what `signature` covers. */
  document: string;
  /** The national server's signature (base64url, P-256) over `document`. */
  signature: string;
  /** The signer's certificate (PEM), which chains to the network CA and names `national`. */
  signer_certificate: string;
  loaded_at: IsoTimestamp;
}

/** National: an agency (国の機関等) registered to receive identity information, with the affairs it may cite. */
export interface AgencyTable {
  /** Its node id, `agency-<slug>`, as its certificate names it. */
  id: string;
  /** The registry's kind of body, e.g. `mhlw`. */
  kind: string;
  /** The body's name for people and reports. */
  name: string;
  /** JSON array of affair ids. */
  affairs: string;
  /** The registry version the registration was checked against. */
  registry_version: number;
  registered_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** National: one provision of identity information to an agency (online or batch), for the report and disclosure. */
export interface ProvisionLogTable {
  id: string;
  at: IsoTimestamp;
  agency: string;
  affair: string;
  registry_version: number;
  /** `online` or `batch`. */
  method: string;
  /** `code` or `four-items`. */
  query: string;
  /** The past date answered for; null for the current information. */
  as_of: string | null;
  /** How many records were provided. */
  count: number;
  /** 1 when more records matched than were provided (the cap). */
  truncated: number;
  /** JSON array of the resident codes provided. */
  resident_codes: string;
}

/** National: each resident code a provision concerned, so a resident's disclosure finds every provision about them. */
export interface ProvisionLogCodeTable {
  provision_id: string;
  resident_code: string;
}

/** National: a batch file an agency uploaded (媒体による提供, docs/protocol/agency-batch.md) and its progress. */
export interface ProvisionBatchTable {
  id: string;
  agency: string;
  affair: string;
  registry_version: number;
  /** `uploading`, `queued`, `processing`, `done` or `failed`. */
  status: string;
  /** The agency certificate (PEM) TLS verified at upload: the input's signer and the result's recipient. */
  agency_certificate: string;
  input_bytes: number;
  input_parts: number;
  /** Lines after the header; null until the upload is complete. */
  total_lines: number | null;
  processed_lines: number;
  found_lines: number;
  not_found_lines: number;
  invalid_lines: number;
  too_many_lines: number;
  result_parts: number;
  error: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
  completed_at: IsoTimestamp | null;
}

/** National: a piece of a batch's sealed input, or one sealed result part (one processed chunk of lines). */
export interface ProvisionBatchPartTable {
  batch_id: string;
  /** `input` or `result`. */
  kind: string;
  part_index: number;
  data: Uint8Array;
  /** For a result part: how many lines it answers; 0 for input pieces. */
  lines: number;
}

/** Every table of a Jukinet database. Each migration that adds a table adds it here. */
/** National: a node's report on a delivered file version (docs/file-delivery.md): applied, or refused and why. */
export interface FileDeliveryReportTable {
  node: string;
  /** The delivered file's name, e.g. `affair-registry`. */
  file: string;
  version: number;
  /** `applied` or `refused`. */
  outcome: string;
  detail: string | null;
  reported_at: IsoTimestamp;
}

/**
 * National and prefectural: a self-disclosure made at this node's window (`window`) or this node's part of one made at
 * another's (`peer`) (docs/self-disclosure.md).
 */
export interface DisclosureLogTable {
  id: string;
  at: IsoTimestamp;
  /** `window` or `peer`. */
  kind: string;
  disclosure_id: string;
  /** The operator id (window) or the asking node's id (peer). */
  requested_by: string;
  card_id: string | null;
  /** JSON array of resident codes. */
  resident_codes: string;
  /** JSON array of provision ids. */
  provision_ids: string;
  /** JSON array of `{ node, state, count?, error? }`. */
  sources: string;
  complete: number;
}

export interface Database {
  outbox_channel: OutboxChannelTable;
  outbox: OutboxTable;
  inbox_channel: InboxChannelTable;
  inbox: InboxTable;
  inbox_pending: InboxPendingTable;
  security_event: SecurityEventTable;
  meta: MetaTable;
  code_pool: CodePoolTable;
  code_block: CodeBlockTable;
  code_holding: CodeHoldingTable;
  identity_version: IdentityVersionTable;
  identity_current: IdentityCurrentTable;
  relay_seen: RelaySeenTable;
  household: HouseholdTable;
  resident: ResidentTable;
  resident_action: ResidentActionTable;
  operator: OperatorTable;
  operator_credential: OperatorCredentialTable;
  operator_challenge: OperatorChallengeTable;
  operator_session: OperatorSessionTable;
  operation_log: OperationLogTable;
  linkage_applied: LinkageAppliedTable;
  notification: NotificationTable;
  card_application: CardApplicationTable;
  card_event: CardEventTable;
  card_status: CardStatusTable;
  operating_exception: OperatingExceptionTable;
  card_confirmation: CardConfirmationTable;
  card_unlock: CardUnlockTable;
  wide_area_answer: WideAreaAnswerTable;
  wide_area_copy: WideAreaCopyTable;
  special_move_out_info: SpecialMoveOutInfoTable;
  special_move_event: SpecialMoveEventTable;
  affair_registry: AffairRegistryTable;
  agency: AgencyTable;
  provision_log: ProvisionLogTable;
  provision_log_code: ProvisionLogCodeTable;
  file_delivery_report: FileDeliveryReportTable;
  provision_batch: ProvisionBatchTable;
  provision_batch_part: ProvisionBatchPartTable;
  disclosure_log: DisclosureLogTable;
}

/** The stored form of a moment: ISO-8601 UTC text, so that text order is time order on both engines. */
export function toIsoTimestamp(at: Date): IsoTimestamp {
  return at.toISOString();
}

/** Reads a stored timestamp back as a Date. */
export function fromIsoTimestamp(text: IsoTimestamp): Date {
  return new Date(text);
}
