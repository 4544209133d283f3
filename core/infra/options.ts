// One options object, defaults in one spread: `{ ...DEFAULTS, ...definedOnly(options) }` — an option passed as
// undefined keeps its default instead of erasing it.

/** The object without its undefined-valued keys. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
