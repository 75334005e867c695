// The error catalogue: every failure that crosses a boundary has a stable code here, and docs/errors.md lists the same
// codes (a test compares them). Expected outcomes are Results instead (see result.ts); bugs are assert() failures.

/** Which part of the network a failure comes from. */
export const ErrorOrigin = {
  domain: 'domain',
  protocol: 'protocol',
  crypto: 'crypto',
  store: 'store',
  network: 'network',
  municipality: 'municipality',
  prefecture: 'prefecture',
  national: 'national',
  agency: 'agency',
  card: 'card',
  terminal: 'terminal',
  cli: 'cli',
} as const;
export type ErrorOrigin = (typeof ErrorOrigin)[keyof typeof ErrorOrigin];

/** What kind of failure it is: bad input, a refused business rule, a security refusal, or the system itself. */
export const ErrorCategory = {
  validation: 'validation',
  business: 'business',
  security: 'security',
  system: 'system',
} as const;
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

export interface ErrorSpec {
  readonly origin: ErrorOrigin;
  readonly category: ErrorCategory;
  /** Sentence case, no final period; the detail, when given, follows after a colon. */
  readonly message: string;
}

/**
 * Every error code Jukinet can raise. Add new codes in the section of their subsystem, keep each section sorted,
 * and run `npm run docs:errors` to regenerate docs/errors.md.
 */
export const ERRORS = {
  // domain: codes, dates, identity information
  JUKI_ERR_RESIDENT_CODE_LENGTH: {
    origin: 'domain',
    category: 'validation',
    message: 'Resident code must have 11 digits',
  },
  JUKI_ERR_RESIDENT_CODE_NON_DIGIT: {
    origin: 'domain',
    category: 'validation',
    message: 'Resident code must contain only the digits 0-9',
  },
  JUKI_ERR_RESIDENT_CODE_CHECK_DIGIT: {
    origin: 'domain',
    category: 'validation',
    message: 'Resident code check digit does not match',
  },
  JUKI_ERR_LG_CODE_FORMAT: {
    origin: 'domain',
    category: 'validation',
    message: 'Local government code must have 6 digits (or 5 without the check digit)',
  },
  JUKI_ERR_LG_CODE_CHECK_DIGIT: {
    origin: 'domain',
    category: 'validation',
    message: 'Local government code check digit does not match',
  },
  JUKI_ERR_LG_NOT_FOUND: {
    origin: 'domain',
    category: 'business',
    message: 'No local government matches',
  },
  JUKI_ERR_NODE_ID: {
    origin: 'domain',
    category: 'validation',
    message: 'Invalid node id',
  },
  JUKI_ERR_DATE_FORMAT: {
    origin: 'domain',
    category: 'validation',
    message: 'Invalid date',
  },
  JUKI_ERR_WAREKI_FORMAT: {
    origin: 'domain',
    category: 'validation',
    message: 'Invalid Japanese era date',
  },
  JUKI_ERR_IDENTITY_INFO_INVALID: {
    origin: 'domain',
    category: 'validation',
    message: 'Invalid identity information',
  },
  JUKI_ERR_OUTSIDE_OPERATING_HOURS: {
    origin: 'domain',
    category: 'business',
    message: 'Outside the common operating hours (共通運用時間帯)',
  },

  // protocol: envelopes and message bodies
  JUKI_ERR_ENVELOPE_INVALID: {
    origin: 'protocol',
    category: 'validation',
    message: 'Invalid message envelope',
  },
  JUKI_ERR_MESSAGE_TYPE_UNKNOWN: {
    origin: 'protocol',
    category: 'validation',
    message: 'Unknown message type',
  },
  JUKI_ERR_MESSAGE_BODY_INVALID: {
    origin: 'protocol',
    category: 'validation',
    message: 'Invalid message body',
  },

  // crypto: keys, certificates, signatures
  JUKI_ERR_KEY_NOT_FOUND: {
    origin: 'crypto',
    category: 'system',
    message: 'Key not found in the key store',
  },
  JUKI_ERR_KEY_EXISTS: {
    origin: 'crypto',
    category: 'validation',
    message: 'A key with this alias already exists',
  },
  JUKI_ERR_KEY_PASSPHRASE: {
    origin: 'crypto',
    category: 'security',
    message: 'Key store passphrase is wrong or the key is damaged',
  },
  JUKI_ERR_CERT_INVALID: {
    origin: 'crypto',
    category: 'security',
    message: 'Certificate is not valid',
  },
  JUKI_ERR_CERT_NODE_IDENTITY: {
    origin: 'crypto',
    category: 'security',
    message: 'Certificate does not name a valid node id and role',
  },
  JUKI_ERR_PKI_NOT_INITIALISED: {
    origin: 'crypto',
    category: 'validation',
    message: 'No certificate authority in this directory',
  },
  JUKI_ERR_PKI_ALREADY_INITIALISED: {
    origin: 'crypto',
    category: 'validation',
    message: 'A certificate authority already exists in this directory',
  },
  JUKI_ERR_PKI_UNKNOWN_CERTIFICATE: {
    origin: 'crypto',
    category: 'validation',
    message: 'No certificate issued by this authority matches',
  },
  JUKI_ERR_SEALED_FILE_CORRUPT: {
    origin: 'crypto',
    category: 'security',
    message: 'Sealed file is malformed, altered, truncated or extended',
  },
  JUKI_ERR_SEALED_FILE_RECIPIENT: {
    origin: 'crypto',
    category: 'security',
    message: 'Sealed file is not sealed to this recipient',
  },
  JUKI_ERR_SEALED_FILE_SIGNATURE: {
    origin: 'crypto',
    category: 'security',
    message: 'Sealed file is not signed by the expected sender',
  },
  JUKI_ERR_SIGNATURE_INVALID: {
    origin: 'crypto',
    category: 'security',
    message: 'Signature does not verify',
  },
  JUKI_ERR_CANONICAL_JSON: {
    origin: 'crypto',
    category: 'validation',
    message: 'Value has no canonical JSON form',
  },
  JUKI_ERR_KEY_TYPE: {
    origin: 'crypto',
    category: 'validation',
    message: 'Key is not a usable ECDSA P-256 key',
  },
  JUKI_ERR_KEY_ALIAS: {
    origin: 'crypto',
    category: 'validation',
    message:
      'Key alias must be lowercase letters, digits, dots, dashes and underscores, starting with a letter or digit',
  },

  // store: databases and migrations
  JUKI_ERR_STORE_URL: {
    origin: 'store',
    category: 'validation',
    message: 'Unsupported database location',
  },
  JUKI_ERR_STORE_MIGRATION: {
    origin: 'store',
    category: 'system',
    message: 'Database migration failed',
  },
  JUKI_ERR_STORE_UNAVAILABLE: {
    origin: 'store',
    category: 'system',
    message: 'Database is not available',
  },
  JUKI_ERR_STORE_CONFLICT: {
    origin: 'store',
    category: 'system',
    message: 'Transaction kept conflicting with concurrent transactions',
  },

  // network: mTLS links, routes, delivery
  JUKI_ERR_PEER_UNAUTHENTICATED: {
    origin: 'network',
    category: 'security',
    message: 'Peer did not present a valid client certificate',
  },
  JUKI_ERR_PEER_FORBIDDEN: {
    origin: 'network',
    category: 'security',
    message: 'Peer is not allowed on this route',
  },
  JUKI_ERR_PEER_IDENTITY_MISMATCH: {
    origin: 'network',
    category: 'security',
    message: 'Peer certificate names another node',
  },
  JUKI_ERR_ROUTE_NOT_FOUND: {
    origin: 'network',
    category: 'validation',
    message: 'No such route',
  },
  JUKI_ERR_REQUEST_INVALID: {
    origin: 'network',
    category: 'validation',
    message: 'Invalid request',
  },
  JUKI_ERR_MESSAGE_NOT_FOR_US: {
    origin: 'network',
    category: 'validation',
    message: 'Message is addressed to another node',
  },
  JUKI_ERR_MESSAGE_SENDER_MISMATCH: {
    origin: 'network',
    category: 'security',
    message: 'Message sender differs from the authenticated peer',
  },
  JUKI_ERR_MESSAGE_SEQ_CONFLICT: {
    origin: 'network',
    category: 'system',
    message: 'A different message was already applied at this sequence number',
  },
  JUKI_ERR_DISPATCHER_STOPPED: {
    origin: 'network',
    category: 'system',
    message: 'Outbox dispatcher stopped before the outbox drained',
  },
  JUKI_ERR_PEER_UNREACHABLE: {
    origin: 'network',
    category: 'system',
    message: 'Peer cannot be reached',
  },
  JUKI_ERR_PEER_TIMEOUT: {
    origin: 'network',
    category: 'system',
    message: 'Peer did not answer in time',
  },
  JUKI_ERR_PEER_ERROR: {
    origin: 'network',
    category: 'system',
    message: 'Peer answered with an error',
  },
  JUKI_ERR_INTERNAL: {
    origin: 'network',
    category: 'system',
    message: 'Internal error',
  },

  // servers: node runtime, configuration, directory, file delivery
  JUKI_ERR_CONFIG_INVALID: {
    origin: 'network',
    category: 'validation',
    message: 'Node configuration is invalid',
  },
  JUKI_ERR_DIRECTORY_INVALID: {
    origin: 'network',
    category: 'security',
    message: 'Directory refused',
  },
  JUKI_ERR_FILE_NOT_DELIVERED: {
    origin: 'network',
    category: 'business',
    message: 'No such delivered file version',
  },
  JUKI_ERR_FILE_REPORT_INVALID: {
    origin: 'network',
    category: 'validation',
    message: 'Invalid file delivery report',
  },
  JUKI_ERR_PEER_UNKNOWN: {
    origin: 'network',
    category: 'system',
    message: 'Node is not in the directory',
  },
  JUKI_ERR_UPSTREAM_UNAVAILABLE: {
    origin: 'network',
    category: 'system',
    message: 'Upstream node did not become ready',
  },

  // card: the resident card (住基カード) and the terminal side that checks it (docs/card.md)
  JUKI_ERR_CARD_ADMIN_REFUSED: {
    origin: 'card',
    category: 'security',
    message: 'Card administration proof does not verify',
  },
  JUKI_ERR_CARD_CERTIFICATE: {
    origin: 'card',
    category: 'security',
    message: 'Card certificate does not verify',
  },
  JUKI_ERR_CARD_CHALLENGE: {
    origin: 'card',
    category: 'security',
    message: 'No card challenge is outstanding: ask the card for a new one',
  },
  JUKI_ERR_CARD_EXPIRED: {
    origin: 'card',
    category: 'security',
    message: 'Card is outside its validity period',
  },
  JUKI_ERR_CARD_FILE: {
    origin: 'card',
    category: 'system',
    message: 'Card file is missing, unreadable or damaged',
  },
  JUKI_ERR_CARD_FILE_EXISTS: {
    origin: 'card',
    category: 'validation',
    message: 'A card file already exists at this path',
  },
  JUKI_ERR_CARD_INPUT: {
    origin: 'card',
    category: 'validation',
    message: 'Invalid card command data',
  },
  JUKI_ERR_CARD_LOCKED: {
    origin: 'card',
    category: 'security',
    message: 'Card is locked after too many wrong PINs: a clerk must unlock it',
  },
  JUKI_ERR_CARD_NOT_AUTHENTICATED: {
    origin: 'card',
    category: 'security',
    message: 'Card command needs mutual authentication first',
  },
  JUKI_ERR_CARD_PERSONALISATION_INCOMPLETE: {
    origin: 'card',
    category: 'validation',
    message: 'Card personalisation is incomplete',
  },
  JUKI_ERR_CARD_PIN_FORMAT: {
    origin: 'card',
    category: 'validation',
    message: 'PIN must be 4 digits',
  },
  JUKI_ERR_CARD_PIN_REQUIRED: {
    origin: 'card',
    category: 'security',
    message: 'Card command needs a verified PIN',
  },
  JUKI_ERR_CARD_PIN_WRONG: {
    origin: 'card',
    category: 'security',
    message: 'PIN is wrong',
  },
  JUKI_ERR_CARD_SIGNATURE: {
    origin: 'card',
    category: 'security',
    message: 'Card authentication signature does not verify',
  },
  JUKI_ERR_CARD_STATE: {
    origin: 'card',
    category: 'business',
    message: "Card command is not allowed in the card's state",
  },
  JUKI_ERR_CARD_SUSPENDED: {
    origin: 'card',
    category: 'security',
    message: 'Card is suspended (一時停止)',
  },
  JUKI_ERR_CARD_TERMINAL_REFUSED: {
    origin: 'card',
    category: 'security',
    message: 'Terminal authentication does not verify',
  },
  JUKI_ERR_CARD_TRANSPORT_KEY: {
    origin: 'card',
    category: 'security',
    message: 'Transport key does not match',
  },

  // municipality: the register (既存住基) and its CS
  JUKI_ERR_CARD_APPLICATION_DUPLICATE: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident already has a card application in progress or a valid card',
  },
  JUKI_ERR_CARD_APPLICATION_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No card application matches',
  },
  JUKI_ERR_CARD_IDENTITY_CHECK_REQUIRED: {
    origin: 'municipality',
    category: 'validation',
    message: "Card step needs the holder's identity check",
  },
  JUKI_ERR_CARD_CONFIRMATION_EXPIRED: {
    origin: 'municipality',
    category: 'business',
    message: 'Identity confirmation with the card has expired: present the card again',
  },
  JUKI_ERR_CARD_CONFIRMATION_NOT_FOUND: {
    origin: 'municipality',
    category: 'validation',
    message: 'No identity confirmation with a card has this id',
  },
  JUKI_ERR_CARD_ISSUANCE_STATE: {
    origin: 'municipality',
    category: 'business',
    message: "Card issuance step is not allowed in the application's state",
  },
  JUKI_ERR_CARD_ISSUER_UNAVAILABLE: {
    origin: 'municipality',
    category: 'system',
    message: 'Card issuer is not configured on this node',
  },
  JUKI_ERR_CARD_NOT_IN_READER: {
    origin: 'municipality',
    category: 'validation',
    message: 'No card with this id is in the card reader',
  },
  JUKI_ERR_CARD_NOTICE_MISMATCH: {
    origin: 'municipality',
    category: 'security',
    message: 'Notice number does not match the card',
  },
  JUKI_ERR_CERTIFICATE_GLYPH_MISSING: {
    origin: 'municipality',
    category: 'validation',
    message: 'Certificate font has no glyph for a character',
  },
  JUKI_ERR_CERTIFICATE_NO_PERSONS: {
    origin: 'municipality',
    category: 'validation',
    message: 'Certificate request names no person',
  },
  JUKI_ERR_CERTIFICATE_PERSON_NOT_IN_HOUSEHOLD: {
    origin: 'municipality',
    category: 'validation',
    message: 'Person is not a member of the household',
  },
  JUKI_ERR_CERTIFICATE_RECORD_STATE: {
    origin: 'municipality',
    category: 'business',
    message: 'Record state does not fit the certificate kind',
  },
  JUKI_ERR_CERTIFICATE_REQUEST_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Invalid certificate request',
  },
  JUKI_ERR_HOUSEHOLD_ADDRESS_MISMATCH: {
    origin: 'municipality',
    category: 'business',
    message: "Address differs from the household's address",
  },
  JUKI_ERR_HOUSEHOLD_CLOSED: {
    origin: 'municipality',
    category: 'business',
    message: 'Household has no current member',
  },
  JUKI_ERR_HOUSEHOLD_EXISTS: {
    origin: 'municipality',
    category: 'business',
    message: 'A household with this id already exists',
  },
  JUKI_ERR_HOUSEHOLD_HEAD_REQUIRED: {
    origin: 'municipality',
    category: 'business',
    message: 'Household needs a new head: name one of the members who remain',
  },
  JUKI_ERR_HOUSEHOLD_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No household matches',
  },
  JUKI_ERR_HOUSEHOLD_MEMBER_INVALID: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident is not a current member of the household in the required way',
  },
  JUKI_ERR_LINKAGE_CSV_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Invalid linkage CSV',
  },
  JUKI_ERR_LINKAGE_MESSAGE_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Invalid register linkage message',
  },
  JUKI_ERR_LINKAGE_REQUEST_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Invalid linkage request',
  },
  JUKI_ERR_NOTIFICATION_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No notification (届出) matches',
  },
  JUKI_ERR_NOTIFICATION_NOT_PENDING: {
    origin: 'municipality',
    category: 'business',
    message: 'Notification (届出) was already confirmed or rejected',
  },
  JUKI_ERR_NOTIFICATION_SELF_CONFIRM: {
    origin: 'municipality',
    category: 'security',
    message: 'Notification (届出) must be confirmed by another operator than the one who entered it',
  },
  JUKI_ERR_REGISTER_DATE_BEFORE_BIRTH: {
    origin: 'municipality',
    category: 'validation',
    message: 'Date is before the birth date',
  },
  JUKI_ERR_REGISTER_DATE_BEFORE_LAST_CHANGE: {
    origin: 'municipality',
    category: 'business',
    message: "Date is before the record's latest change",
  },
  JUKI_ERR_REGISTER_DATE_IN_FUTURE: {
    origin: 'municipality',
    category: 'validation',
    message: 'Date is in the future',
  },
  JUKI_ERR_REGISTER_FILED_BEFORE_DATE: {
    origin: 'municipality',
    category: 'validation',
    message: 'Filing date is before the date of the change',
  },
  JUKI_ERR_REGISTER_REQUEST_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Invalid register request',
  },
  JUKI_ERR_OPERATING_EXCEPTION_INVALID: {
    origin: 'municipality',
    category: 'validation',
    message: 'Operating hours exception is invalid',
  },
  JUKI_ERR_OPERATING_EXCEPTION_NOT_FOUND: {
    origin: 'municipality',
    category: 'validation',
    message: 'No operating hours exception in force has this id',
  },
  JUKI_ERR_RESIDENT_CLOSED: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident record is closed (除票)',
  },
  JUKI_ERR_RESIDENT_CODE_IN_USE: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident code belongs to a current resident of this municipality',
  },
  JUKI_ERR_RESIDENT_LIKELY_DUPLICATE: {
    origin: 'municipality',
    category: 'business',
    message: 'A current resident has the same name, reading and birth date',
  },
  JUKI_ERR_RESIDENT_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No resident matches',
  },
  JUKI_ERR_WIDE_AREA_ANSWER_INVALID: {
    origin: 'municipality',
    category: 'system',
    message: 'Invalid answer to a wide-area copy call (広域交付)',
  },
  JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING: {
    origin: 'municipality',
    category: 'business',
    message: 'Municipality does not take part in the wide-area copy (広域交付)',
  },
  JUKI_ERR_WIDE_AREA_OWN_RESIDENT: {
    origin: 'municipality',
    category: 'business',
    message: "Resident is on this municipality's own register: issue a 住民票の写し, not a wide-area copy",
  },
  JUKI_ERR_WIDE_AREA_RECORD_CLOSED: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident record is closed (除票): a wide-area copy is issued of a current record only',
  },
  JUKI_ERR_WIDE_AREA_REQUESTER: {
    origin: 'municipality',
    category: 'business',
    message: 'Requester may not receive this wide-area copy: only the person or a household member',
  },
  JUKI_ERR_SPECIAL_MOVE_ALREADY_PLANNED: {
    origin: 'municipality',
    category: 'business',
    message: 'Resident already has a planned special move-out (特例転出予定)',
  },
  JUKI_ERR_SPECIAL_MOVE_CARD_REQUIRED: {
    origin: 'municipality',
    category: 'business',
    message:
      'The special move (転入転出の特例) needs a resident card the person holds and that is still valid',
  },
  JUKI_ERR_SPECIAL_MOVE_DATE: {
    origin: 'municipality',
    category: 'validation',
    message: 'Planned move-out date (転出予定年月日) is outside what the special move allows',
  },
  JUKI_ERR_SPECIAL_MOVE_INFO_INVALID: {
    origin: 'municipality',
    category: 'system',
    message: 'Move-out certificate information (転出証明書情報) from the old municipality is invalid',
  },
  JUKI_ERR_SPECIAL_MOVE_INFO_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No move-out certificate information (転出証明書情報) received here matches',
  },
  JUKI_ERR_SPECIAL_MOVE_INFO_USED: {
    origin: 'municipality',
    category: 'business',
    message: 'Move-out certificate information (転出証明書情報) was already used for a move-in',
  },
  JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED: {
    origin: 'municipality',
    category: 'business',
    message:
      'Time limit of the special move (転入転出の特例) has passed: file an ordinary move-out and move-in',
  },
  JUKI_ERR_SPECIAL_MOVE_NOT_FOUND: {
    origin: 'municipality',
    category: 'business',
    message: 'No confirmed advance move-out notice (付記転出届) names this municipality for the resident',
  },
  JUKI_ERR_SPECIAL_MOVE_ORIGIN: {
    origin: 'municipality',
    category: 'security',
    message: 'Move-in notice (転入通知) comes from a municipality the advance move-out notice does not name',
  },

  // codes: the national code pool, code blocks and holdings (住基法第30条の2, 第30条の3)
  JUKI_ERR_CODE_BLOCK_SIZE: {
    origin: 'national',
    category: 'validation',
    message: 'Code block size must be from 1 to 10000',
  },
  JUKI_ERR_CODE_BLOCK_REQUEST_REUSED: {
    origin: 'national',
    category: 'validation',
    message: 'Code block request id was already used for a block of another size',
  },
  JUKI_ERR_CODE_BLOCK_INVALID: {
    origin: 'protocol',
    category: 'system',
    message: 'Code block is invalid',
  },
  JUKI_ERR_CODE_POOL_EXHAUSTED: {
    origin: 'national',
    category: 'system',
    message: 'Could not generate enough new resident codes',
  },
  JUKI_ERR_CODE_POOL_EMPTY: {
    origin: 'municipality',
    category: 'system',
    message: 'No resident code left in the holding',
  },

  // identity: the prefectural and national identity histories, relayed changes, consistency
  JUKI_ERR_CARD_STATUS_ORIGIN: {
    origin: 'national',
    category: 'security',
    message: 'Municipality may not change the status of this card',
  },
  JUKI_ERR_IDENTITY_AUTHORITY: {
    origin: 'national',
    category: 'security',
    message: 'Municipality may not speak for this resident',
  },
  JUKI_ERR_IDENTITY_CLOSED: {
    origin: 'national',
    category: 'business',
    message: 'Identity record is closed for good',
  },
  JUKI_ERR_IDENTITY_CODE_IN_USE: {
    origin: 'national',
    category: 'business',
    message: 'New resident code already has an identity record',
  },
  JUKI_ERR_IDENTITY_NOT_FOUND: {
    origin: 'national',
    category: 'business',
    message: 'No identity record for this resident code',
  },
  JUKI_ERR_RELAY_ORIGIN: {
    origin: 'national',
    category: 'security',
    message: 'Relayed message is not from a municipality of the relaying prefecture',
  },
  JUKI_ERR_RELAY_REPLAYED: {
    origin: 'national',
    category: 'security',
    message: 'Relayed message was applied before',
  },
  JUKI_ERR_RELAY_SIGNATURE: {
    origin: 'national',
    category: 'security',
    message: 'Relayed message signature does not verify with the originator certificate',
  },
  JUKI_ERR_RELAY_TYPE: {
    origin: 'national',
    category: 'validation',
    message: 'Relayed message type is not accepted here',
  },

  // agency: the affair registry (別表), registered agencies and provision to them (docs/agencies.md)
  JUKI_ERR_AGENCY_AFFAIR_FORBIDDEN: {
    origin: 'national',
    category: 'security',
    message: 'Agency is not registered for the affair it cites',
  },
  JUKI_ERR_AGENCY_NOT_REGISTERED: {
    origin: 'national',
    category: 'security',
    message: 'Agency is not registered at the national server',
  },
  JUKI_ERR_AGENCY_REGISTRATION: {
    origin: 'national',
    category: 'business',
    message: 'Agency registration does not fit the affair registry',
  },
  JUKI_ERR_BATCH_FILE_INVALID: {
    origin: 'national',
    category: 'validation',
    message: 'Batch file cannot be read as a whole',
  },
  JUKI_ERR_BATCH_NOT_FOUND: {
    origin: 'national',
    category: 'validation',
    message: 'No such batch for this agency',
  },
  JUKI_ERR_BATCH_STATE: {
    origin: 'national',
    category: 'business',
    message: 'Batch is not in a state that allows this',
  },
  JUKI_ERR_BATCH_UPLOAD_INVALID: {
    origin: 'national',
    category: 'validation',
    message: 'Invalid batch upload',
  },
  JUKI_ERR_DISCLOSURE_UNAVAILABLE: {
    origin: 'national',
    category: 'system',
    message: 'Self-disclosure is not set up at this node',
  },
  JUKI_ERR_PROVISION_REQUEST_INVALID: {
    origin: 'national',
    category: 'validation',
    message: 'Invalid provision request',
  },
  JUKI_ERR_REGISTRY_INVALID: {
    origin: 'national',
    category: 'validation',
    message: 'Invalid affair registry',
  },
  JUKI_ERR_REGISTRY_SIGNATURE: {
    origin: 'national',
    category: 'security',
    message: 'Affair registry file is not signed by the national server',
  },
  JUKI_ERR_REGISTRY_VERSION: {
    origin: 'national',
    category: 'business',
    message: 'Affair registry version is not newer than the one held',
  },

  // terminal: operators, their security keys, login, sessions, rights, the operation log (docs/operators.md)
  JUKI_ERR_CHALLENGE_INVALID: {
    origin: 'terminal',
    category: 'security',
    message: 'Security key challenge is unknown, used or expired',
  },
  JUKI_ERR_CREDENTIAL_NOT_FOUND: {
    origin: 'terminal',
    category: 'business',
    message: 'No security key matches',
  },
  JUKI_ERR_KEY_ENROLMENT_REFUSED: {
    origin: 'terminal',
    category: 'security',
    message: 'Security key registration does not verify',
  },
  JUKI_ERR_LOGIN_KEY: {
    origin: 'terminal',
    category: 'security',
    message: 'Security key assertion does not verify',
  },
  JUKI_ERR_LOGIN_KEY_UNKNOWN: {
    origin: 'terminal',
    category: 'security',
    message: 'Security key is not enrolled for this operator',
  },
  JUKI_ERR_LOGIN_NO_KEY: {
    origin: 'terminal',
    category: 'business',
    message: 'Operator has no enrolled security key',
  },
  JUKI_ERR_LOGIN_PASSWORD: {
    origin: 'terminal',
    category: 'security',
    message: 'Login name or password is wrong',
  },
  JUKI_ERR_OPERATORS_EXIST: {
    origin: 'terminal',
    category: 'business',
    message: 'The first administrator can be enrolled only while there are no operators',
  },
  JUKI_ERR_OPERATOR_DISABLED: {
    origin: 'terminal',
    category: 'security',
    message: 'Operator is disabled',
  },
  JUKI_ERR_OPERATOR_EXISTS: {
    origin: 'terminal',
    category: 'business',
    message: 'An operator with this login name already exists',
  },
  JUKI_ERR_OPERATOR_FORBIDDEN: {
    origin: 'terminal',
    category: 'security',
    message: 'Operator has no right to this function',
  },
  JUKI_ERR_OPERATOR_NOT_FOUND: {
    origin: 'terminal',
    category: 'business',
    message: 'No operator matches',
  },
  JUKI_ERR_OPERATOR_REQUEST_INVALID: {
    origin: 'terminal',
    category: 'validation',
    message: 'Invalid operator request',
  },
  JUKI_ERR_OPERATOR_RIGHTS_INVALID: {
    origin: 'terminal',
    category: 'validation',
    message: 'Invalid operator rights',
  },
  JUKI_ERR_OPERATOR_SELF_CHANGE: {
    origin: 'terminal',
    category: 'business',
    message: 'Administrators cannot change their own account',
  },
  JUKI_ERR_PASSWORD_POLICY: {
    origin: 'terminal',
    category: 'validation',
    message: 'Password does not meet the policy',
  },
  JUKI_ERR_SESSION_EXPIRED: {
    origin: 'terminal',
    category: 'security',
    message: 'Session ended after inactivity',
  },
  JUKI_ERR_SESSION_INVALID: {
    origin: 'terminal',
    category: 'security',
    message: 'Session is unknown or ended',
  },
  JUKI_ERR_TERMINAL_HEADER: {
    origin: 'terminal',
    category: 'security',
    message: 'State-changing request lacks the terminal header',
  },

  // cli
  JUKI_ERR_CLI_ARGUMENT: {
    origin: 'cli',
    category: 'validation',
    message: 'Invalid command-line argument',
  },
  JUKI_ERR_CLI_INTERRUPTED: {
    origin: 'cli',
    category: 'system',
    message: 'Interrupted (Ctrl-C) before the command finished; what was done before is kept',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The one error type that crosses boundaries: a stable code, its origin and category, and a human message. */
export class JukinetError extends Error {
  readonly code: ErrorCode;
  readonly origin: ErrorOrigin;
  readonly category: ErrorCategory;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const spec: ErrorSpec = ERRORS[code];
    super(detail === undefined ? spec.message : `${spec.message}: ${detail}`, options);
    this.name = 'JukinetError';
    this.code = code;
    this.origin = spec.origin;
    this.category = spec.category;
    this.detail = detail;
  }

  /** The form that travels on the wire and in logs; the HTTP status is chosen at the edge. */
  toJSON(): { code: ErrorCode; origin: ErrorOrigin; category: ErrorCategory; message: string } {
    return { code: this.code, origin: this.origin, category: this.category, message: this.message };
  }
}

/** True when `error` is a JukinetError, optionally with the given code. */
export function isJukinetError(error: unknown, code?: ErrorCode): error is JukinetError {
  return error instanceof JukinetError && (code === undefined || error.code === code);
}

/** Quote a value for an error detail, as `"value"`. */
export function quote(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value : String(value));
}
