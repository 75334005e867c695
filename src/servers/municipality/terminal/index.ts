// The municipal terminal's own API (issue 4): 住民検索, 住民票照会, 証明書交付, 届出 and the linkage's message API, each
// through perform() so that the operator's right is checked and the operation is logged with the records it touched.

import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { TerminalRouteContext } from '../../common/node-module.js';
import { registerCertificateRoutes, type CertificateRouteOptions } from './certificate-routes.js';
import { registerLinkageRoutes, type LinkageRouteOptions } from './linkage-routes.js';
import { registerNotificationRoutes, type NotificationRouteOptions } from './notification-routes.js';
import { registerResidentRoutes } from './register-routes.js';

export {
  certificatePersonOf,
  certificateRequestOf,
  inHouseholdOrder,
  issuerOf,
  type RegisterCertificate,
} from './certificate-adapter.js';
export { registerCertificateRoutes, type CertificateRouteOptions } from './certificate-routes.js';
export { registerLinkageRoutes, type LinkageRouteOptions } from './linkage-routes.js';
export { performWithOutbox, type NodeOperationScope } from './node-operation.js';
export {
  applyNotification,
  filingPeriodOf,
  functionOfKind,
  NOTIFICATION_KINDS,
  notificationInputSchema,
  notificationKindLabel,
  NotificationStatus,
  parseNotificationInput,
  subjectOf,
  type FilingPeriod,
  type NotificationInput,
  type NotificationKind,
  type NotificationSubject,
} from './notification.js';
export {
  NOTIFICATION_LIST_LIMIT,
  type NotificationOperator,
  type NotificationView,
} from './notification-store.js';
export { registerNotificationRoutes, type NotificationRouteOptions } from './notification-routes.js';
export {
  registerResidentRoutes,
  residentSummaryOf,
  searchCriteriaOf,
  type ResidentSummary,
} from './register-routes.js';

/** What the municipal routes need of the node besides the operators. */
export type MunicipalTerminalOptions = CertificateRouteOptions &
  NotificationRouteOptions &
  LinkageRouteOptions;

/** Adds the municipal routes to the terminal's app (NodeModule.terminalRoutes). */
export function registerMunicipalTerminalRoutes(
  app: FastifyInstance<Server>,
  context: TerminalRouteContext,
  options: MunicipalTerminalOptions,
): void {
  registerResidentRoutes(app, context);
  registerCertificateRoutes(app, context, options);
  registerNotificationRoutes(app, context, options);
  registerLinkageRoutes(app, context, options);
}
