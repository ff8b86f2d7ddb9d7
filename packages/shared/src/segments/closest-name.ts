// "Did you mean ...?": the known name closest to a word typed, when it is close enough to be a
// typo (fields, prefixes and custom field keys in the segment language).

/** Levenshtein distance, two rows (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest of `candidates` (spelled as printed) to a word typed, if it is close enough to be a typo. */
export function closestName(typed: string, candidates: { compare: string; print: string }[]): string | undefined {
  const word = typed.toLowerCase();
  // Names are at most 64 characters: a longer word is no typo of one, and measuring it against
  // every candidate would cost its length times theirs.
  if (word.length > 66) return undefined;
  // A third of the word, 1 to 2 edits: `firstname` finds first_name, `zodiac` finds nothing.
  const allowed = Math.max(1, Math.min(2, Math.floor(word.length / 3)));
  let best: { print: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(word, c.compare.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { print: c.print, distance };
  }
  return best?.print;
}
