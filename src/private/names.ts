/**
 * The default object name of a construct: its id in kebab case (`ReviewsRoute` → `reviews-route`), so names
 * are stable and hash-free. Pass `metadata.name` to choose another.
 */
export function defaultObjectName(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}
