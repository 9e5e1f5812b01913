/** "Did you mean" suggestions by edit distance. */

/**
 * Optimal-string-alignment distance: Levenshtein (insert, delete, substitute) plus swapping two
 * adjacent characters as one edit, so `dpeth` is one edit from `depth`, like `pth` from `pht`.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before = new Array<number>(b.length + 1).fill(0); // row i-2
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j); // row i-1
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    // Ties go to the candidate sharing the longer prefix: `>==` means `>=`, not `==`.
    const d = (candidate.toLowerCase() === lower ? 0.5 : editDistance(word, candidate)) - sharedPrefix(word, candidate) / 100;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return Math.min(i, 9);
}

/** `; did you mean `x`?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit === undefined ? '' : `; did you mean \`${hit}\`?`;
}

/** Identifier spelling that carries no meaning: case, `-` for `_`, surrounding blanks. */
function fold(word: string): string {
  return word.trim().toLowerCase().replace(/-/g, '_');
}

/**
 * The candidate `word` is a slip of, or undefined: the same identifier up to case, `-`/`_` and
 * surrounding blanks, or one edit (insert, delete, substitute, swap two neighbours) from it
 * after that folding. Used where a near miss cannot be meant: a reason code one edit from a
 * documented one reads 0 forever, so its gate passes forever.
 */
export function nearMiss(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.includes(word)) return undefined;
  const folded = fold(word);
  let best: string | undefined;
  for (const candidate of list) {
    const other = fold(candidate);
    if (other === folded) return candidate;
    if (best === undefined && Math.abs(other.length - folded.length) <= 1 && editDistance(folded, other) === 1) best = candidate;
  }
  return best;
}
