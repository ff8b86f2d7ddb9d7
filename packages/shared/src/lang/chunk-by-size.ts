// Splits a list into consecutive runs whose summed size stays within a bound: Kafka publishes and
// Elasticsearch bulk requests both have a limit per request.

/** Consecutive runs of `items`, in order, each within `maxSize` by `sizeOf`; an item larger than the bound goes alone. */
export function chunkBySize<T>(items: T[], maxSize: number, sizeOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = sizeOf(item);
    if (current.length > 0 && size + itemSize > maxSize) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
