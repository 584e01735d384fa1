import { TsbuildError } from '../../oci/index.js';
import type { Handler } from '../types.js';

const PORT_SPEC = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i;

/** `80`, `80/udp`, `8000-8002/tcp` → `80/tcp` keys; ranges become one key per port (Docker). */
function portKeys(spec: string): string[] {
  const m = PORT_SPEC.exec(spec);
  const first = Number(m?.[1]);
  const last = m?.[2] === undefined ? first : Number(m[2]);
  if (!m || first < 0 || last > 65535 || last < first) {
    throw new TsbuildError('TSB_DOCKERFILE_SYNTAX', `EXPOSE: invalid port ${JSON.stringify(spec)}`);
  }
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: last - first + 1 }, (_, i) => `${first + i}/${proto}`);
}

/** EXPOSE: expanded port specs added to ExposedPorts. */
export const expose: Handler<'EXPOSE'> = async (ins, step) => {
  const ports: Record<string, Record<string, never>> = { ...(step.config.ExposedPorts ?? {}) };
  for (const word of ins.ports.flatMap((p) => step.expandWords(p))) for (const key of portKeys(word)) ports[key] = {};
  return { kind: 'config', config: { ...step.config, ExposedPorts: ports } };
};
