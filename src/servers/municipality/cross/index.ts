// Services that cross municipalities: the common operating hours at the municipality's edge and the exceptions it has
// arranged (docs/operating-hours.md).

export {
  CROSS_SERVICES,
  CrossService,
  crossServiceLabel,
  createOperatingGate,
  listOperatingExceptions,
  operatingExceptionRequestSchema,
  recordOperatingException,
  withdrawOperatingException,
  type OperatingExceptionRequest,
  type OperatingGate,
  type RecordedException,
} from './operating-gate.js';
export { registerOperatingHoursRoutes, type OperatingHoursRouteOptions } from './operating-hours-routes.js';
