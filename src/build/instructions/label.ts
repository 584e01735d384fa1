import type { Handler } from '../types.js';

/** LABEL: keys and values expanded; later labels replace earlier ones (and the base's). */
export const label: Handler<'LABEL'> = async (ins, step) => {
  const labels: Record<string, string> = { ...(step.config.Labels ?? {}) };
  for (const p of ins.pairs) labels[step.expand(p.key)] = step.expand(p.value);
  return { kind: 'config', config: { ...step.config, Labels: labels } };
};
