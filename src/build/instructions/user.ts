import type { Handler } from '../types.js';

/** USER: stored as written (expanded); resolved against /etc/passwd only when a RUN uses it. */
export const user: Handler<'USER'> = async (ins, step) => ({
  kind: 'config',
  config: { ...step.config, User: step.expand(ins.user) },
});
