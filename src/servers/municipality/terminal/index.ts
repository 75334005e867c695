// The municipal terminal's own API (issue 4): 住民検索, 住民票照会 and 証明書交付, each through perform() so that the
// operator's right is checked and the operation is logged with the records it touched.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { TerminalRouteContext } from '../../common/node-module.js';
import { registerCertificateRoutes, type CertificateRouteOptions } from './certificate-routes.js';
import { registerResidentRoutes } from './register-routes.js';

export {
  certificatePersonOf,
  certificateRequestOf,
  inHouseholdOrder,
  issuerOf,
  type RegisterCertificate,
} from './certificate-adapter.js';
export { registerCertificateRoutes, type CertificateRouteOptions } from './certificate-routes.js';
export {
  registerResidentRoutes,
  residentSummaryOf,
  searchCriteriaOf,
  type ResidentSummary,
} from './register-routes.js';

/** Adds the municipal routes to the terminal's app (NodeModule.terminalRoutes). */
export function registerMunicipalTerminalRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: CertificateRouteOptions,
): void {
  registerResidentRoutes(app, context);
  registerCertificateRoutes(app, context, options);
}
