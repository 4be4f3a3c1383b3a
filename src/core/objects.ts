/** `value` without its null-valued keys: for inputs where GraphQL's null means the same as omitting the field. */
export function omitNulls<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as { [K in keyof T]?: Exclude<T[K], null> };
}
