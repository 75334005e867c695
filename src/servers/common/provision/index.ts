// Provision of identity information to agencies, shared by the national server and the prefectural servers
// (住基法第30条の9〜第30条の11, DESIGN.md §5.6): the affair registry (別表) a node holds, the agencies registered with it,
// the purpose check, the look-ups, the provision log, and the agency routes with their OpenAPI document
// (docs/agencies.md), and the annual report of provision from the log (docs/provision-report.md).

export {
  currentAffairRegistry,
  heldAffairRegistries,
  loadSignedAffairRegistry,
  signAffairRegistry,
  verifySignedAffairRegistry,
  type HeldRegistry,
  type SignedAffairRegistry,
} from './affair-registry-store.js';
export { findAgency, listAgencies, registerAgency, type RegisteredAgency } from './agencies.js';
export { LOOKUP_CHUNK_SIZE, lookUpIdentities, type LookupSource } from './batch-lookup.js';
export { AGENCY_API_VERSION, agencyOpenApiDocument } from './agency-openapi.js';
export { agencyRoutes, type AgencyRouteOptions } from './agency-routes.js';
export {
  ProvisionMethod,
  ProvisionQuery,
  ProvisionSecurityEventKind,
  authoriseAffair,
  checkAsOf,
  checkCriteria,
  listProvisions,
  lookUpIdentity,
  providedIdentityOf,
  recordProvision,
  registeredAgency,
  searchFourItems,
  type AuthorisedAffair,
  type FourItemMatches,
  type ProvisionRecord,
} from './provision.js';
export {
  FIRST_REPORT_YEAR,
  LAST_REPORT_YEAR,
  PROVISION_METHOD_LABELS,
  buildProvisionReport,
  japanMonthStarts,
  provisionReportOf,
  type ProvisionCounts,
  type ProvisionReport,
  type ProvisionReportRecipient,
  type ProvisionReportRow,
} from './provision-report.js';
export { PROVISION_REPORT_CSV_COLUMNS, csvField, provisionReportCsv } from './provision-report-csv.js';
export {
  provisionReportTitle,
  renderProvisionReportPdf,
  warekiYearOf,
  type ProvisionReportDocumentOptions,
} from './provision-report-pdf.js';
