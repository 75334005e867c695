// The protocol layer: the signed envelope and every inter-node message type, pure so the web client can use it.

export {
  ENVELOPE_VERSION,
  MESSAGE_TYPE_PATTERN,
  createUnsignedEnvelope,
  envelopeSchema,
  parseEnvelope,
  relayBodySchema,
  signingInput,
  type CreateEnvelopeOptions,
  type Envelope,
  type RelayBody,
  type UnsignedEnvelope,
} from './envelope.js';
export {
  createMessageRegistry,
  defineMessage,
  parseMessageBody,
  type MessageBody,
  type MessageDefinition,
  type MessageRegistry,
} from './message-types.js';
export {
  ALL_MESSAGES,
  CARD_STATUS_PATH,
  CardNetworkState,
  cardStatusAnswerSchema,
  cardStatusChanged,
  identityChanged,
  nodePing,
  nodeRelay,
  type CardStatusAnswer,
  type CardStatusChangedBody,
  type IdentityChangedBody,
} from './messages/index.js';
export { describeIssues } from './zod-issues.js';
export {
  CODE_BLOCKS_PATH,
  CODE_BLOCK_MAX_SIZE,
  codeBlockRequestSchema,
  codeBlockResponseSchema,
  parseCodeBlockRequest,
  parseCodeBlockResponse,
  type CodeBlockRequest,
  type CodeBlockResponse,
} from './messages/code-blocks.js';
