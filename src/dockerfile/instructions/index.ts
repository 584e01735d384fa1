/**
 * The instruction dispatcher: keyword to parser, exhaustive over `Instruction['kind']`.
 * Heredocs are rejected here, before any parser could read `<<EOF` as an argument, unless the
 * builder turned the `heredocs` feature on and the line splitter read their bodies.
 */
import { DockerfileError, type SourceLoc, syntaxError } from '../errors.js';
import type { ParseFeatures } from '../features.js';
import { findHeredoc } from '../heredoc.js';
import { parseJsonArray } from '../json-array.js';
import type { InstructionNode } from '../node.js';
import { splitCommand } from '../split-command.js';
import { didYouMean } from '../suggest.js';
import type { Heredoc, Instruction } from '../types.js';
import { parseAdd } from './add.js';
import { parseArg } from './arg.js';
import { parseCmd } from './cmd.js';
import { parseCopy } from './copy.js';
import { parseEntrypoint } from './entrypoint.js';
import { parseEnv } from './env.js';
import { parseExpose } from './expose.js';
import { parseFrom } from './from.js';
import { parseHealthcheck } from './healthcheck.js';
import { parseLabel } from './label.js';
import { parseMaintainer } from './maintainer.js';
import { parseOnbuild } from './onbuild.js';
import { parseRun } from './run.js';
import { parseShell } from './shell.js';
import { parseStopsignal } from './stopsignal.js';
import { parseUser } from './user.js';
import { parseVolume } from './volume.js';
import { parseWorkdir } from './workdir.js';

type Parser = (node: InstructionNode) => Instruction;

/** What a line carries besides its text: the features on, and its heredoc bodies if read. */
export interface LineExtras {
  readonly features?: ParseFeatures;
  readonly heredocs?: readonly Heredoc[];
}

const PARSERS: { readonly [K in Instruction['kind']]: Parser } = {
  FROM: parseFrom,
  RUN: parseRun,
  CMD: parseCmd,
  ENTRYPOINT: parseEntrypoint,
  COPY: parseCopy,
  ADD: parseAdd,
  ENV: parseEnv,
  ARG: parseArg,
  WORKDIR: parseWorkdir,
  USER: parseUser,
  LABEL: parseLabel,
  EXPOSE: parseExpose,
  VOLUME: parseVolume,
  STOPSIGNAL: parseStopsignal,
  HEALTHCHECK: parseHealthcheck,
  SHELL: parseShell,
  ONBUILD: (node) =>
    parseOnbuild(node, (text) => parseLine(text, node.loc, node.escape, true, { features: node.features })),
  MAINTAINER: parseMaintainer,
};

const HEREDOC_KINDS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);

function isKind(name: string): name is Instruction['kind'] {
  return Object.hasOwn(PARSERS, name);
}

/**
 * One logical line taken apart into its node, with the checks that come before any parser: the
 * keyword is known, and a heredoc the builder did not opt into is refused.
 */
export function lineNode(text: string, loc: SourceLoc, escape: '\\' | '`', trigger = false, extras: LineExtras = {}): InstructionNode {
  const { keyword, flags, rest } = splitCommand(text);
  const kind = keyword.toUpperCase();
  if (!isKind(kind)) {
    throw syntaxError(`unknown instruction: ${keyword}${didYouMean(keyword, Object.keys(PARSERS))}`, loc);
  }
  const features = extras.features ?? {};
  const heredocs = features.heredocs === true ? (extras.heredocs ?? []) : [];
  if (heredocs.length === 0 && HEREDOC_KINDS.has(kind) && !parseJsonArray(rest).ok) {
    const heredoc = findHeredoc(text);
    if (heredoc !== undefined) {
      throw new DockerfileError('TSB_DOCKERFILE_UNSUPPORTED', `${kind} with a heredoc (${heredoc}) is not supported yet`, loc);
    }
  }
  if (heredocs.length > 0 && kind === 'ONBUILD') {
    // The image config records a trigger as one line; its body would be lost (BuildKit loses it too).
    throw new DockerfileError('TSB_DOCKERFILE_UNSUPPORTED', 'ONBUILD with a heredoc is not supported', loc);
  }
  return { kind, keyword, flags, rest, original: text, loc, escape, trigger, features, heredocs };
}

/** Gives a node its typed instruction. */
export function parseNode(node: InstructionNode): Instruction {
  return PARSERS[node.kind](node);
}

/** Parses one logical line into its typed instruction. `trigger` is set inside ONBUILD. */
export function parseLine(
  text: string,
  loc: SourceLoc,
  escape: '\\' | '`',
  trigger = false,
  extras: LineExtras = {},
): Instruction {
  return parseNode(lineNode(text, loc, escape, trigger, extras));
}
