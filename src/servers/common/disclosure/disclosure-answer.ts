// What a self-disclosure answers (docs/self-disclosure.md): the person's current identity information and every
// provision about any code they held, gathered from the national server and from each prefectural server of their
// history (this node's own part read locally, the others' asked over mTLS). A node that does not answer is listed as
// such and makes the answer incomplete: it is never left out silently.

import type { IdentityInfo, NodeId, ResidentCode } from '../../../domain/index.js';
import {
  DISCLOSURE_PROVISIONS_PATH,
  disclosureProvisionsAnswerSchema,
  type DisclosedProvision,
} from '../../../protocol/index.js';
import { isJukinetError } from '../../../shared/errors.js';
import type { NodeContext } from '../node-module.js';
import type { DisclosureSource } from './disclosure-record.js';
import { disclosingBodyOf } from './disclosing-body.js';

/** The person a disclosure is about, as the national server knows them. */
export interface DisclosureSubject {
  /** The current version's identity information, under the person's current code. */
  readonly identity: IdentityInfo;
  /** The current code first, then the former ones. */
  readonly residentCodes: readonly ResidentCode[];
  /** The prefectural servers of every municipality in the history of any of the codes, sorted. */
  readonly prefectures: readonly NodeId[];
}

/** One provision as the answer shows it: with the name of the body whose server provided it. */
export interface DisclosureAnswerProvision extends DisclosedProvision {
  readonly providerName: string;
}

/** A node asked, with its body's name. */
export interface DisclosureAnswerSource extends DisclosureSource {
  readonly name: string;
}

/** The answer handed to the resident (and printed as 本人確認情報開示回答書). */
export interface DisclosureAnswer {
  readonly id: string;
  /** When it was made, ISO-8601 UTC. */
  readonly at: string;
  /** The window that answered and the body it answers for. */
  readonly window: { readonly node: NodeId; readonly body: string };
  readonly identity: IdentityInfo;
  /** Codes the person held before the current one (a code change must not hide earlier provisions). */
  readonly formerResidentCodes: readonly ResidentCode[];
  /** Every provision about any of the person's codes, oldest first. */
  readonly provisions: readonly DisclosureAnswerProvision[];
  /** Every node asked: national first, then the prefectures. */
  readonly sources: readonly DisclosureAnswerSource[];
  /** False when some node did not answer: the provisions listed may then not be all. */
  readonly complete: boolean;
}

/** The nodes whose provision logs a disclosure at `self` reads: the national server, the history's prefectures. */
export function disclosureSourcesOf(self: NodeId, subject: DisclosureSubject): NodeId[] {
  const prefectures = new Set<NodeId>(subject.prefectures);
  if (self !== 'national') prefectures.add(self);
  return ['national' as NodeId, ...[...prefectures].sort()];
}

/**
 * A remote node's part: its answer, checked (it answers for itself, about the codes asked only), or `unavailable`
 * with the error when it cannot be reached, refuses, or answers something else.
 */
async function askNode(
  call: NodeContext['call'],
  node: NodeId,
  request: { readonly disclosureId: string; readonly residentCodes: readonly ResidentCode[] },
): Promise<{ source: DisclosureSource; provisions: DisclosedProvision[] }> {
  let answer: unknown;
  try {
    answer = await call(node, {
      method: 'POST',
      path: DISCLOSURE_PROVISIONS_PATH,
      body: { disclosureId: request.disclosureId, residentCodes: request.residentCodes },
    });
  } catch (error) {
    if (!isJukinetError(error)) throw error;
    return { source: { node, state: 'unavailable', count: 0, error: error.code }, provisions: [] };
  }
  const parsed = disclosureProvisionsAnswerSchema.safeParse(answer);
  const asked = new Set<string>(request.residentCodes);
  const fits =
    parsed.success &&
    parsed.data.node === node &&
    parsed.data.provisions.every(
      (provision) => provision.provider === node && provision.residentCodes.every((code) => asked.has(code)),
    );
  if (!parsed.success || !fits) {
    return { source: { node, state: 'unavailable', count: 0, error: 'JUKI_ERR_PEER_ERROR' }, provisions: [] };
  }
  const { provisions } = parsed.data;
  return { source: { node, state: 'answered', count: provisions.length }, provisions };
}

/**
 * Gathers a disclosure's provisions at `self`: its own log through `local`, every other node of `nodes` over mTLS
 * (all at once). Answers the provisions, oldest first, and how each node answered.
 */
export async function gatherDisclosedProvisions(options: {
  readonly self: NodeId;
  readonly nodes: readonly NodeId[];
  readonly disclosureId: string;
  readonly residentCodes: readonly ResidentCode[];
  readonly local: () => Promise<DisclosedProvision[]>;
  readonly call: NodeContext['call'];
}): Promise<{ provisions: DisclosureAnswerProvision[]; sources: DisclosureAnswerSource[] }> {
  const parts = await Promise.all(
    options.nodes.map(async (node) => {
      if (node !== options.self) return askNode(options.call, node, options);
      const provisions = await options.local();
      return { source: { node, state: 'answered', count: provisions.length } as const, provisions };
    }),
  );
  const provisions = parts
    .flatMap((part) => part.provisions)
    .map((provision) => ({ ...provision, providerName: disclosingBodyOf(provision.provider) }))
    .sort(
      (a, b) => compareText(a.at, b.at) || compareText(a.provider, b.provider) || compareText(a.id, b.id),
    );
  const sources = parts.map((part) => ({ ...part.source, name: disclosingBodyOf(part.source.node) }));
  return { provisions, sources };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
