/** HEALTHCHECK NONE, or HEALTHCHECK [options] CMD command (exec or shell form). */
import { syntaxError } from '../errors.js';
import { parseGoDuration } from '../duration.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { HealthcheckInstruction, HealthcheckOptions } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** HEALTHCHECK's flags, all implemented. */
export const HEALTHCHECK_FLAGS = {
  interval: { kind: 'string', supported: true },
  timeout: { kind: 'string', supported: true },
  'start-period': { kind: 'string', supported: true },
  'start-interval': { kind: 'string', supported: true },
  retries: { kind: 'string', supported: true },
} as const;

const MILLISECOND = 1e6;

/** Parses HEALTHCHECK. */
export function parseHealthcheck(node: InstructionNode): HealthcheckInstruction {
  const base = { kind: 'HEALTHCHECK', loc: node.loc, original: node.original } as const;
  const match = /^(\S+)\s*/u.exec(node.rest);
  if (!match) throw syntaxError('HEALTHCHECK requires at least one argument', node.loc);
  const type = (match[1] ?? '').toUpperCase();
  const rest = node.rest.slice(match[0].length);
  const flags = parseFlags(node, HEALTHCHECK_FLAGS);
  if (type === 'NONE') {
    if (rest !== '') throw syntaxError('HEALTHCHECK NONE takes no arguments', node.loc);
    return { ...base, test: { type: 'NONE' }, options: {} };
  }
  if (type !== 'CMD') throw syntaxError(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`, node.loc);
  const command = parseCommandForm(node, rest);
  if ((command.form === 'exec' ? command.args.length : command.command.length) === 0) {
    throw syntaxError('Missing command after HEALTHCHECK CMD', node.loc);
  }
  const duration = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const ns = parseGoDuration(value);
    if (ns === undefined) throw syntaxError(`invalid duration ${JSON.stringify(value)} for --${name}`, node.loc);
    if (ns !== 0 && ns < MILLISECOND) throw syntaxError(`Interval "${name}" cannot be less than 1ms`, node.loc);
    return ns;
  };
  const options: { -readonly [K in keyof HealthcheckOptions]: HealthcheckOptions[K] } = {};
  const set = (key: Exclude<keyof HealthcheckOptions, 'retries'>, name: keyof typeof HEALTHCHECK_FLAGS) => {
    const ns = duration(name, flags[name]);
    if (ns !== undefined) options[key] = ns;
  };
  set('interval', 'interval');
  set('timeout', 'timeout');
  set('startPeriod', 'start-period');
  set('startInterval', 'start-interval');
  if (flags.retries !== undefined && flags.retries !== '') {
    if (!/^[+-]?\d+$/.test(flags.retries)) throw syntaxError(`invalid --retries value ${JSON.stringify(flags.retries)}`, node.loc);
    const retries = Number(flags.retries);
    if (retries < 0) throw syntaxError(`--retries cannot be negative (${retries})`, node.loc);
    options.retries = retries;
  }
  return { ...base, test: { type: 'CMD', command }, options };
}
