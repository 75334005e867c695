// The net layer: mTLS links between nodes (network server, peer client, routes, peer identity) and envelope signing.
// Delivery (outbox, dispatcher, inbox) builds on these.

export {
  createDispatcher,
  type Dispatcher,
  type DispatcherLogger,
  type DispatcherOptions,
  type PeerDeliveryStats,
  type ResolvePeer,
} from './dispatcher.js';
export { signEnvelope, verifyEnvelopeSignature } from './envelope-signing.js';
export { httpStatusOf } from './error-status.js';
export {
  AckStatus,
  DELIVERED_STATUSES,
  InboxSecurityEventKind,
  receiveEnvelopes,
  type Ack,
  type ApplyMessage,
  type InboxSecurityEvent,
  type ReceiveOptions,
} from './inbox.js';
export {
  MAX_ENVELOPES_PER_REQUEST,
  MESSAGES_PATH,
  messagesRoute,
  type MessagesRequest,
  type MessagesResponse,
  type MessagesRouteOptions,
} from './messaging.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  SecurityEventKind,
  createNetworkServer,
  type NetworkServer,
  type NetworkServerOptions,
  type SecurityEvent,
} from './network-server.js';
export { enqueueMessage, type EnqueueOptions, type EnvelopeSigner } from './outbox.js';
export {
  DEFAULT_PEER_TIMEOUT_MS,
  createPeerClient,
  type PeerClient,
  type PeerClientOptions,
} from './peer-client.js';
export { certificatePemOf, peerIdentityFromCertificate, type PeerIdentity } from './peer-identity.js';
export {
  HttpMethod,
  anyPeer,
  byNodes,
  byRoles,
  type NetworkRequest,
  type NetworkResponse,
  type NetworkRoute,
  type PeerRule,
} from './routes.js';
export { TLS_MIN_VERSION, secureContextOptions, type NodeTlsMaterial, type TlsUpdate } from './tls-config.js';
