/**
 * Compares a built image (its tree facts and config) with a case's `expected.json` and lists
 * every difference as a line of text, so one failing case shows all that is wrong with it.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { PathFacts } from '../helpers/tree-facts.js';
import type { UnpackedConfig } from '../helpers/unpack-image.js';
import type { ConfigFacts, Expected, PathFact } from './cases.js';

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

function checkPath(want: PathFact, got: PathFacts | undefined, groups: Map<string, string>): string[] {
  if (want.absent) return got ? [`${want.path}: should not exist, is a ${got.type}`] : [];
  if (!got) return [`${want.path}: missing`];
  const out: string[] = [];
  const differs = (what: string, expected: unknown, actual: unknown) => {
    if (expected !== undefined && !isDeepStrictEqual(expected, actual)) out.push(`${want.path}: ${what} ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  differs('type', want.type, got.type);
  differs('mode', want.mode, octal(got.mode));
  differs('uid', want.uid, got.uid);
  differs('gid', want.gid, got.gid);
  differs('size', want.size, got.size);
  differs('target', want.target, got.target);
  differs('capability', want.capability, got.capability);
  if (want.content !== undefined) differs('sha256 (content)', createHash('sha256').update(want.content).digest('hex'), got.sha256);
  differs('sha256', want.sha256, got.sha256);
  if (want.linkGroup !== undefined) {
    const inode = got.linkGroup ?? `(single link ${want.path})`;
    const seen = groups.get(want.linkGroup);
    if (seen === undefined) groups.set(want.linkGroup, inode);
    else if (seen !== inode) out.push(`${want.path}: not hardlinked with the other paths of group "${want.linkGroup}"`);
  } else if (want.type === 'file' && got.linkGroup !== undefined) {
    out.push(`${want.path}: is a hardlink (group ${got.linkGroup}), expected a single link`);
  }
  return out;
}

/** `null` in expected.json means "unset": absent or null in the image, as Docker writes it. */
function checkConfig(want: ConfigFacts, config: UnpackedConfig): string[] {
  const got = config.config ?? {};
  const out: string[] = [];
  for (const [key, expected] of Object.entries(want)) {
    const actual = key === 'author' ? config.author : got[key];
    const same = expected === null ? actual === undefined || actual === null : isDeepStrictEqual(actual, expected);
    if (!same) out.push(`config ${key}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  return out;
}

/** Every difference between the image and the expected facts (empty when it conforms). */
export function checkExpected(expected: Expected, tree: Map<string, PathFacts>, config: UnpackedConfig): string[] {
  const groups = new Map<string, string>();
  return [...expected.paths.flatMap((p) => checkPath(p, tree.get(p.path), groups)), ...checkConfig(expected.config, config)];
}

/** Differences between a failed build's output and `expectError` (exit 1 or 2, a TsbuildError, its code, line and text). */
export function checkError(expected: NonNullable<Expected['expectError']>, code: number | null, output: string): string[] {
  const out: string[] = [];
  if (code === 0 || code === null) out.push(`exit code ${code}, expected a failure`);
  if (/internal error|please report/i.test(output)) out.push('failed with an internal error instead of a build error');
  if (expected.code && !output.includes(`[${expected.code}]`)) out.push(`error code [${expected.code}] not in the output`);
  if (expected.line !== undefined && !new RegExp(`Dockerfile:${expected.line}\\b`).test(output)) out.push(`line Dockerfile:${expected.line} not in the output`);
  if (expected.match && !new RegExp(expected.match, 'i').test(output)) out.push(`the output does not match /${expected.match}/i`);
  return out;
}
