// The one-visit move (転入転出の特例, 住基法第24条の2; DESIGN.md §5 flow 3; docs/special-move.md): the 付記転出届 and
// the 転出証明書情報 at the old municipality, the 特例転入届 and the 転入通知 at the new one, and their log.

export { applySpecialMoveMovedIn, mayNotifyMovedIn } from './moved-in-notice.js';
export {
  moveOutPersonOf,
  outInfoFor,
  specialMoveOutInfoRoute,
  type OutInfoRouteOptions,
} from './out-info.js';
export {
  createSpecialMoveNotifications,
  requireHeldCard,
  type SpecialMoveNotificationOptions,
} from './special-move-notifications.js';
export {
  registerSpecialMoveRoutes,
  type OutInfoView,
  type SpecialMoveRouteOptions,
} from './special-move-routes.js';
export {
  listSpecialMoveEvents,
  readReceivedOutInfo,
  SpecialMoveEventKind,
  type ReceivedOutInfo,
  type SpecialMoveEvent,
} from './special-move-store.js';
