/**
 * ExposeProtoCasing and ExposeInvalidFormat on one expanded EXPOSE port, split as BuildKit's
 * `splitParts` and `splitProtoPort` split it (`[ip:][hostPort:]port[/proto]`). A port BuildKit
 * would reject outright (no port, unknown protocol) gets no lint finding: the build fails on it.
 */
import type { SourceLoc } from '../errors.js';
import { finding, type LintFinding } from './finding.js';

const PROTOCOLS: ReadonlySet<string> = new Set(['', 'tcp', 'udp', 'sctp']);

function splitParts(raw: string): { ip: string; hostPort: string; containerPort: string } {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return { ip: '', hostPort: '', containerPort: parts[0] ?? '' };
  if (n === 2) return { ip: '', hostPort: parts[0] ?? '', containerPort: parts[1] ?? '' };
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2] ?? '', containerPort: parts[n - 1] ?? '' };
}

/** The findings for one EXPOSE port as expanded (`80/TCP`, `127.0.0.1:80:80`). */
export function exposeFindings(loc: SourceLoc, raw: string): LintFinding[] {
  const { ip, hostPort, containerPort } = splitParts(raw);
  const slash = containerPort.indexOf('/');
  const port = slash < 0 ? containerPort : containerPort.slice(0, slash);
  const proto = slash < 0 ? '' : containerPort.slice(slash + 1);
  if (port === '' || !PROTOCOLS.has(proto.toLowerCase())) return [];
  const out: LintFinding[] = [];
  if (proto !== proto.toLowerCase()) out.push(finding('ExposeProtoCasing', loc, raw));
  if (ip !== '' || hostPort !== '') out.push(finding('ExposeInvalidFormat', loc, raw));
  return out;
}
