// The agency side (国の機関等): the client configuration an agency holds and its mTLS client of the national server's
// agency API. Agencies run no server of their own; they call the national server (docs/agencies.md).

export {
  agencyClientConfigSchema,
  createAgencyClient,
  loadAgencyClientConfig,
  type AgencyClient,
  type AgencyClientConfig,
  type AgencyClientConfigInput,
} from './agency-client.js';
export {
  runAgencyBatch,
  type AgencyBatchOptions,
  type AgencyBatchOutcome,
  type BatchProgress,
} from './agency-batch-client.js';
