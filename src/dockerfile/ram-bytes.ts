/**
 * docker/go-units `RAMInBytes` (tmpfs `size=`): a decimal number, an optional space, then an
 * optional unit k/m/g/t/p with optional `i` and `b`, all binary multiples (`64m` = 64 MiB).
 */

const RAM = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
const UNITS: Readonly<Record<string, number>> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** The byte count `text` spells, or undefined when go-units would reject it. */
export function ramInBytes(text: string): number | undefined {
  const match = RAM.exec(text);
  const number = match?.[1];
  if (match === null || number === undefined) return undefined;
  const size = Number.parseFloat(number);
  if (!Number.isFinite(size)) return undefined;
  const unit = match[2]?.toLowerCase();
  return Math.trunc(size * (unit === undefined ? 1 : (UNITS[unit] ?? 1)));
}
