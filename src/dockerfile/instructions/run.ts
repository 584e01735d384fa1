/** RUN in exec form (JSON array of strings) or shell form, with its heredocs and flags. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import { checkRunMount } from '../run-mount.js';
import type { RunInstruction } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** RUN's flags: each implemented once the builder turns its feature on; `--device` never. */
export const RUN_FLAGS = {
  mount: { kind: 'strings', supported: 'runMounts' },
  network: { kind: 'string', supported: 'runNetwork' },
  security: { kind: 'string', supported: 'runSecurity' },
  device: { kind: 'strings', supported: false },
} as const;

const NETWORKS = ['default', 'none', 'host'] as const;
const SECURITY = ['sandbox', 'insecure'] as const;

function oneOf<T extends string>(values: readonly T[], value: string, what: string, node: InstructionNode): T {
  const found = values.find((v) => v === value);
  if (found === undefined) throw syntaxError(`${what} "${value}" not supported (use ${values.join(', ')})`, node.loc);
  return found;
}

/** Parses RUN. */
export function parseRun(node: InstructionNode): RunInstruction {
  const f = parseFlags(node, RUN_FLAGS);
  const typed = !node.trigger;
  for (const raw of typed ? (f.mount ?? []) : []) checkRunMount(raw, node.loc);
  return {
    kind: 'RUN',
    loc: node.loc,
    original: node.original,
    command: parseCommandForm(node),
    ...(node.heredocs.length === 0 ? {} : { heredocs: node.heredocs }),
    ...(f.mount === undefined || !typed ? {} : { mounts: f.mount }),
    ...(f.network === undefined || !typed ? {} : { network: oneOf(NETWORKS, f.network, 'network mode', node) }),
    ...(f.security === undefined || !typed ? {} : { security: oneOf(SECURITY, f.security, 'security mode', node) }),
  };
}
