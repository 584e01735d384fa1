/** BuildKit's `suggest.Search`, case-sensitive: the closest option under distance 3, none on an exact match. */
import { distance } from '../suggest.js';

/** The option closest to `word`, or '' when none is close or `word` is itself an option. */
export function suggestName(word: string, options: Iterable<string>): string {
  let best = '';
  let bestDistance = 3;
  for (const option of options) {
    if (option === word) return '';
    const d = distance(word, option);
    if (d < bestDistance) {
      best = option;
      bestDistance = d;
    }
  }
  return best;
}
