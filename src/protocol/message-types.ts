// How an inter-node message type is declared (name, version, body schema, purpose) and the registry a receiver uses
// to recognise a type and validate its body. Naming and versioning rules: docs/protocol/README.md.

import type { z } from 'zod';
import { assert } from '../shared/assert.js';
import { JukinetError, quote } from '../shared/errors.js';
import { MESSAGE_TYPE_PATTERN } from './envelope.js';
import { describeIssues } from './zod-issues.js';

/** A declared message type: its wire name, version, body schema and a one-line purpose. */
export interface MessageDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  /** The wire name, `<area>.<name>`, with `-v<N>` appended from version 2 on. */
  readonly type: T;
  /** Starts at 1; raised only by a breaking change, which also renames the type (docs/protocol/README.md). */
  readonly version: number;
  readonly body: S;
  readonly description: string;
}

/** The parsed body type of a message definition. */
export type MessageBody<D extends MessageDefinition> = z.output<D['body']>;

/**
 * Declares a message type. Asserts the naming rule (a bug if broken): `<area>.<name>` in lowercase kebab-case,
 * suffixed `-v<N>` exactly when the version N is above 1.
 */
export function defineMessage<const T extends string, S extends z.ZodType>(
  definition: MessageDefinition<T, S>,
): MessageDefinition<T, S> {
  const { type, version } = definition;
  assert(MESSAGE_TYPE_PATTERN.test(type), `Message type ${quote(type)} must be "<area>.<name>"`);
  assert(Number.isInteger(version) && version >= 1, `Message type ${quote(type)} needs a version from 1`);
  const suffix = /-v([0-9]+)$/.exec(type);
  if (version === 1) {
    assert(suffix === null, `Message type ${quote(type)} at version 1 must not carry a -vN suffix`);
  } else {
    assert(
      suffix?.[1] === String(version),
      `Message type ${quote(type)} at version ${version} must end "-v${version}"`,
    );
  }
  return Object.freeze({ ...definition });
}

/** Validates a body against its definition; throws JUKI_ERR_MESSAGE_BODY_INVALID naming each bad field. */
export function parseMessageBody<D extends MessageDefinition>(definition: D, body: unknown): MessageBody<D> {
  const result = definition.body.safeParse(body);
  if (!result.success) {
    throw new JukinetError(
      'JUKI_ERR_MESSAGE_BODY_INVALID',
      `${quote(definition.type)}: ${describeIssues(result.error.issues, 'body')}`,
    );
  }
  return result.data as MessageBody<D>;
}

/** The message types a node understands. */
export interface MessageRegistry {
  /** Adds a type; registering the same type twice is a bug. */
  register(definition: MessageDefinition): void;
  has(type: string): boolean;
  /** The definition of `type`; throws JUKI_ERR_MESSAGE_TYPE_UNKNOWN when none is registered. */
  get(type: string): MessageDefinition;
  /** Validates `body` as a `type` message; throws JUKI_ERR_MESSAGE_TYPE_UNKNOWN or JUKI_ERR_MESSAGE_BODY_INVALID. */
  parseBody(type: string, body: unknown): unknown;
  /** The registered type names, sorted. */
  types(): string[];
}

/** A registry holding `definitions` (more can be registered later). */
export function createMessageRegistry(definitions: readonly MessageDefinition[] = []): MessageRegistry {
  const byType = new Map<string, MessageDefinition>();
  const registry: MessageRegistry = {
    register(definition) {
      assert(!byType.has(definition.type), `Message type ${quote(definition.type)} is registered twice`);
      byType.set(definition.type, definition);
    },
    has: (type) => byType.has(type),
    get(type) {
      const definition = byType.get(type);
      if (definition === undefined) throw new JukinetError('JUKI_ERR_MESSAGE_TYPE_UNKNOWN', quote(type));
      return definition;
    },
    parseBody: (type, body) => parseMessageBody(registry.get(type), body),
    types: () => [...byType.keys()].sort(),
  };
  for (const definition of definitions) registry.register(definition);
  return registry;
}
