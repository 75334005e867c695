// The names a self-disclosure prints: the body that answers at a node's window (地方公共団体情報システム機構 for the
// national centre, the prefecture for its server) and the provider of each provision.

import { listPrefectures, parseNodeId, type NodeId } from '../../../domain/index.js';

/** The body whose window is `nodeId`, as the answer is issued in its name: 地方公共団体情報システム機構, 東京都. */
export function disclosingBodyOf(nodeId: NodeId | string): string {
  const parsed = parseNodeId(nodeId);
  switch (parsed.role) {
    case 'national':
      return '地方公共団体情報システム機構';
    case 'prefecture':
      return (
        listPrefectures().find((prefecture) => prefecture.prefectureCode === parsed.prefecture)?.name ??
        parsed.id
      );
    case 'municipality':
    case 'agency':
      return parsed.id;
  }
}
