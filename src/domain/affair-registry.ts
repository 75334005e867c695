// The affair registry (住民基本台帳法 別表): which kinds of public body may receive identity information, and for which
// affairs, each with its legal basis; versioned, shipped as data (data/beppyo/v1.json) and replaced by signed files.
// No kind outside it can be registered, so no private-sector body can ever query (住民票コードの民間利用禁止).

import { z } from 'zod';
import { JukinetError, quote } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { isIsoDate } from './civil-date.js';
import builtIn from './data/beppyo/v1.json' with { type: 'json' };

/**
 * The kinds of body a registry may name: organs of the State, of local governments, and corporations a statute sets
 * up for a public task (共済組合). There is deliberately no private-sector category: a file naming one is refused.
 */
export const AgencyCategory = {
  nationalGovernment: 'national-government',
  localGovernment: 'local-government',
  publicCorporation: 'public-corporation',
} as const;
export type AgencyCategory = (typeof AgencyCategory)[keyof typeof AgencyCategory];

/** A slug: lowercase letters and digits joined by single hyphens, as agency kinds and affair ids are written. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(SLUG, { error: 'must be a lowercase slug (a-z, 0-9, "-")' });
const textSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => text.trim() === text, { error: 'must not begin or end with spaces' });

const agencyKindSchema = z.strictObject({
  /** Stable id of the kind, e.g. `mhlw`. */
  id: slugSchema,
  /** The body's statutory name: 厚生労働省. */
  name: textSchema,
  category: z.enum(AgencyCategory),
});

const affairSchema = z.strictObject({
  /** Stable id of the row (kind and affair), cited by every query: `mhlw-unemployment-benefit`. */
  id: slugSchema,
  /** The agency kind the row lets use the affair. */
  kind: slugSchema,
  /** The affair as the 別表 names it: 基本手当の支給に関する事務. */
  name: textSchema,
  /** 法令名 and, where the row cites one, 条項 of the law the affair executes. */
  legalBasis: z.strictObject({
    law: textSchema,
    article: textSchema.optional(),
  }),
});

/** The schema of a registry file: a version, the date it takes effect, the kinds, and the rows. */
export const affairRegistrySchema = z
  .strictObject({
    /** 1, 2, …: a new registry always has a higher number than the one it replaces. */
    version: z.number().int().min(1).max(1_000_000),
    /** The first day (Japan date, YYYY-MM-DD) on which this version governs provision. */
    effectiveDate: z.string().refine(isIsoDate, { error: 'must be a date YYYY-MM-DD' }),
    title: textSchema.optional(),
    kinds: z.array(agencyKindSchema).min(1).max(1000),
    affairs: z.array(affairSchema).min(1).max(10_000),
  })
  .superRefine((registry, context) => {
    const kinds = new Set<string>();
    registry.kinds.forEach((kind, index) => {
      if (kinds.has(kind.id)) {
        context.addIssue({
          code: 'custom',
          path: ['kinds', index, 'id'],
          message: `${quote(kind.id)} twice`,
        });
      }
      kinds.add(kind.id);
    });
    const affairs = new Set<string>();
    registry.affairs.forEach((affair, index) => {
      if (affairs.has(affair.id)) {
        context.addIssue({
          code: 'custom',
          path: ['affairs', index, 'id'],
          message: `${quote(affair.id)} twice`,
        });
      }
      affairs.add(affair.id);
      if (!kinds.has(affair.kind)) {
        context.addIssue({
          code: 'custom',
          path: ['affairs', index, 'kind'],
          message: `${quote(affair.kind)} is not a kind of this registry`,
        });
      }
    });
  });

/** One version of the registry. */
export type AffairRegistry = z.output<typeof affairRegistrySchema>;
/** One kind of body the registry lists. */
export type AgencyKind = AffairRegistry['kinds'][number];
/** One row: a kind of body, an affair it may receive identity information for, and the legal basis. */
export type Affair = AffairRegistry['affairs'][number];

/**
 * Checks a registry file's content; throws JUKI_ERR_REGISTRY_INVALID naming every problem (an unknown field, a kind
 * outside the public categories, a row whose kind is not listed, an id used twice).
 */
export function parseAffairRegistry(value: unknown): AffairRegistry {
  const parsed = affairRegistrySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .map((issue) => `${['registry', ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
  throw new JukinetError('JUKI_ERR_REGISTRY_INVALID', detail);
}

/** The registry shipped with this build (data/beppyo/v1.json), in force until a signed version replaces it. */
export const BUILT_IN_AFFAIR_REGISTRY: AffairRegistry = parseAffairRegistry(builtIn);

/** The kind `id` in `registry`, or undefined when the registry does not list it. */
export function findAgencyKind(registry: AffairRegistry, id: string): AgencyKind | undefined {
  return registry.kinds.find((kind) => kind.id === id);
}

/** The row `id` in `registry`, or undefined. */
export function findAffair(registry: AffairRegistry, id: string): Affair | undefined {
  return registry.affairs.find((affair) => affair.id === id);
}

/** The rows of `registry` for agencies of `kind`, in file order. */
export function affairsOfKind(registry: AffairRegistry, kind: string): Affair[] {
  return registry.affairs.filter((affair) => affair.kind === kind);
}

/** Why an agency's registration does not fit the registry. */
export type RegistrationProblem =
  | { readonly kind: 'unknown-kind'; readonly agencyKind: string }
  | { readonly kind: 'no-affairs' }
  | { readonly kind: 'affair-not-for-kind'; readonly affairs: readonly string[] };

/**
 * Checks that an agency of `agencyKind` may be registered for `affairs`: the kind is listed, at least one affair is
 * named, and each affair is a row of the registry for that kind. Duplicates are dropped; the order is the registry's.
 */
export function checkAgencyRegistration(
  registry: AffairRegistry,
  agencyKind: string,
  affairs: readonly string[],
): Result<string[], RegistrationProblem> {
  if (findAgencyKind(registry, agencyKind) === undefined) return err({ kind: 'unknown-kind', agencyKind });
  if (affairs.length === 0) return err({ kind: 'no-affairs' });
  const allowed = new Set(affairsOfKind(registry, agencyKind).map((affair) => affair.id));
  const refused = [...new Set(affairs)].filter((affair) => !allowed.has(affair));
  if (refused.length > 0) return err({ kind: 'affair-not-for-kind', affairs: refused });
  const wanted = new Set(affairs);
  return ok(registry.affairs.filter((affair) => wanted.has(affair.id)).map((affair) => affair.id));
}

/** The registration problem in words, for an error detail. */
export function describeRegistrationProblem(problem: RegistrationProblem): string {
  switch (problem.kind) {
    case 'unknown-kind':
      return `the registry lists no agency kind ${quote(problem.agencyKind)} (private-sector bodies can never be registered)`;
    case 'no-affairs':
      return 'an agency is registered for at least one affair';
    case 'affair-not-for-kind':
      return `the registry does not list ${problem.affairs.map(quote).join(', ')} for this kind`;
  }
}

/** An agency as the national server registered it: its kind and the affairs it may cite. */
export interface AgencyRegistration {
  readonly kind: string;
  readonly affairs: readonly string[];
}

/**
 * Whether `agency` may cite `affair` under `registry`: exactly when it is registered for the affair and the registry
 * (the version in force, which may have dropped a row since the registration) lists the affair for the agency's kind.
 */
export function mayUseAffair(registry: AffairRegistry, agency: AgencyRegistration, affair: string): boolean {
  if (!agency.affairs.includes(affair)) return false;
  return findAffair(registry, affair)?.kind === agency.kind;
}
