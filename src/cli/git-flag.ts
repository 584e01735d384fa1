/**
 * kaniko's `--git key=value` (repeatable; also comma-joined, as kaniko's help shows its default
 * `branch=,single-branch=false,recurse-submodules=false,insecure-skip-tls=false`): how a
 * `git://` context is cloned. kaniko ignores unknown keys; tsbuild refuses them.
 */
import type { z } from 'zod';
import { parsePflagBool } from './kaniko-flags.js';

/** The `--git` options of a git context. */
export interface GitFlag {
  /** A branch or tag to build instead of the URL's ref. */
  readonly branch?: string;
  /** Given by kaniko users; tsbuild always fetches only the ref it builds, so it changes nothing. */
  readonly singleBranch?: boolean;
  readonly depth?: number;
  readonly recurseSubmodules: boolean;
  readonly insecureSkipTls: boolean;
}

const KEYS = ['branch', 'single-branch', 'depth', 'recurse-submodules', 'insecure-skip-tls'] as const;
const SPLIT = new RegExp(`,(?=(?:${KEYS.join('|')})=)`);

/** Merges every `--git` value; later keys win, as in kaniko. */
export function parseGitFlags(values: readonly string[], ctx: z.RefinementCtx): GitFlag {
  let flag: GitFlag = { recurseSubmodules: false, insecureSkipTls: false };
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
  for (const part of values.flatMap((v) => v.split(SPLIT))) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (eq < 0 || !(KEYS as readonly string[]).includes(key)) {
      problem(`${JSON.stringify(part)}: expected ${KEYS.map((k) => `${k}=…`).join(', ')}`);
      continue;
    }
    if (key === 'branch') {
      flag = value === '' ? withoutBranch(flag) : { ...flag, branch: value };
    } else if (key === 'depth') {
      if (!/^\d+$/.test(value)) problem(`depth=${value}: expected a whole number`);
      else flag = { ...flag, depth: Number(value) };
    } else {
      const bool = parsePflagBool(value);
      if (bool === undefined) problem(`${key}=${value}: expected true or false`);
      else if (key === 'single-branch') flag = { ...flag, singleBranch: bool };
      else if (key === 'recurse-submodules') flag = { ...flag, recurseSubmodules: bool };
      else flag = { ...flag, insecureSkipTls: bool };
    }
  }
  return flag;
}

function withoutBranch(flag: GitFlag): GitFlag {
  const { branch: _dropped, ...rest } = flag;
  return rest;
}
