/**
 * RUN, CMD and ENTRYPOINT share Docker's two forms: exec form is the argv as written (never
 * expanded by the builder); shell form is the stage's SHELL followed by the command text.
 */
import type { CommandForm } from '../../dockerfile/index.js';

export function commandArgv(command: CommandForm, shell: readonly string[]): string[] {
  return command.form === 'exec' ? [...command.args] : [...shell, command.command];
}
