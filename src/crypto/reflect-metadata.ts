// The few Reflect metadata functions @peculiar/x509 needs (through tsyringe, which refuses to load without them).
// Imported before @peculiar/x509; a no-op when a full polyfill such as `reflect-metadata` is already loaded.

type MetadataKey = unknown;
type Target = object;

interface ReflectMetadata {
  getMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown;
  getOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown;
  hasMetadata(key: MetadataKey, target: Target, property?: string | symbol): boolean;
  hasOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): boolean;
  defineMetadata(key: MetadataKey, value: unknown, target: Target, property?: string | symbol): void;
}

const reflect = Reflect as typeof Reflect & Partial<ReflectMetadata>;

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<Target, Map<string | symbol | undefined, Map<MetadataKey, unknown>>>();
  const own = (target: Target, property: string | symbol | undefined, create: boolean) => {
    let byProperty = store.get(target);
    if (!byProperty) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let entries = byProperty.get(property);
    if (!entries && create) {
      entries = new Map();
      byProperty.set(property, entries);
    }
    return entries;
  };
  const find = (
    key: MetadataKey,
    target: Target,
    property?: string | symbol,
  ): Map<MetadataKey, unknown> | undefined => {
    for (let current: Target | null = target; current !== null; current = Reflect.getPrototypeOf(current)) {
      const entries = own(current, property, false);
      if (entries?.has(key)) return entries;
    }
    return undefined;
  };
  const polyfill: ReflectMetadata = {
    getMetadata: (key, target, property) => find(key, target, property)?.get(key),
    getOwnMetadata: (key, target, property) => own(target, property, false)?.get(key),
    hasMetadata: (key, target, property) => find(key, target, property) !== undefined,
    hasOwnMetadata: (key, target, property) => own(target, property, false)?.has(key) ?? false,
    defineMetadata: (key, value, target, property) => {
      own(target, property, true)!.set(key, value);
    },
  };
  Object.assign(reflect, polyfill);
}

export {};
