import type { Handler } from '../types.js';

/**
 * HEALTHCHECK NONE disables an inherited check; HEALTHCHECK CMD sets the test and the timings the
 * parser already validated (nanoseconds). Zero values are left out, as Docker's omitempty does.
 */
export const healthcheck: Handler<'HEALTHCHECK'> = async (ins, step) => {
  if (ins.test.type === 'NONE') return { kind: 'config', config: { ...step.config, Healthcheck: { Test: ['NONE'] } } };
  const { command } = ins.test;
  const test = command.form === 'exec' ? ['CMD', ...command.args] : ['CMD-SHELL', command.command];
  const { interval, timeout, startPeriod, startInterval, retries } = ins.options;
  const timings = { Interval: interval, Timeout: timeout, StartPeriod: startPeriod, StartInterval: startInterval, Retries: retries };
  const set = Object.fromEntries(Object.entries(timings).filter(([, v]) => v !== undefined && v !== 0));
  return { kind: 'config', config: { ...step.config, Healthcheck: { Test: test, ...set } } };
};
