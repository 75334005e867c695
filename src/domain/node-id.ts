// Node ids and roles (DESIGN.md §2): `national`, `pref-13`, `muni-131059`, `agency-<slug>`. A certificate names one.

import { JukinetError, quote } from '../shared/errors.js';
import { checkLocalGovernmentCode, type LocalGovernmentCode } from './local-government-code.js';

export const NodeRole = {
  national: 'national',
  prefecture: 'prefecture',
  municipality: 'municipality',
  agency: 'agency',
} as const;
export type NodeRole = (typeof NodeRole)[keyof typeof NodeRole];

/** A validated node id. */
export type NodeId = string & { readonly __brand: 'NodeId' };

export type ParsedNodeId =
  | { readonly role: 'national'; readonly id: NodeId }
  | { readonly role: 'prefecture'; readonly id: NodeId; readonly prefecture: string }
  | { readonly role: 'municipality'; readonly id: NodeId; readonly lgCode: LocalGovernmentCode }
  | { readonly role: 'agency'; readonly id: NodeId; readonly agency: string };

const AGENCY = /^agency-([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/;

/** Parses and validates a node id, throwing JUKI_ERR_NODE_ID with the reason. */
export function parseNodeId(input: string): ParsedNodeId {
  if (input === 'national') return { role: 'national', id: input as NodeId };
  const pref = /^pref-([0-9]{2})$/.exec(input);
  if (pref) {
    const n = Number(pref[1]);
    if (n < 1 || n > 47)
      throw new JukinetError('JUKI_ERR_NODE_ID', `${quote(input)}: prefecture must be 01-47`);
    return { role: 'prefecture', id: input as NodeId, prefecture: pref[1]! };
  }
  const muni = /^muni-(.*)$/.exec(input);
  if (muni) {
    const code = checkLocalGovernmentCode(muni[1]!);
    if (!code.ok || muni[1]!.length !== 6) {
      throw new JukinetError('JUKI_ERR_NODE_ID', `${quote(input)}: needs a 6-digit local government code`);
    }
    const n = Number(muni[1]!.slice(0, 2));
    if (n < 1 || n > 47)
      throw new JukinetError('JUKI_ERR_NODE_ID', `${quote(input)}: prefecture must be 01-47`);
    return { role: 'municipality', id: input as NodeId, lgCode: code.value };
  }
  const agency = AGENCY.exec(input);
  if (agency) return { role: 'agency', id: input as NodeId, agency: agency[1]! };
  throw new JukinetError(
    'JUKI_ERR_NODE_ID',
    `${quote(input)}: expected national, pref-NN, muni-NNNNNN or agency-<name>`,
  );
}

export function isNodeId(input: string): input is NodeId {
  try {
    parseNodeId(input);
    return true;
  } catch {
    return false;
  }
}

export function nodeIdOf(input: string): NodeId {
  return parseNodeId(input).id;
}

export function roleOf(id: NodeId | string): NodeRole {
  return parseNodeId(id).role;
}

/** The prefectural node a municipality or prefecture belongs to; undefined for national and agencies. */
export function prefectureNodeOf(id: NodeId): NodeId | undefined {
  const parsed = parseNodeId(id);
  switch (parsed.role) {
    case 'prefecture':
      return parsed.id;
    case 'municipality':
      return `pref-${parsed.lgCode.slice(0, 2)}` as NodeId;
    case 'national':
    case 'agency':
      return undefined;
  }
}
