/**
 * The typed Dockerfile: one interface per instruction, discriminated by `kind`. Values are the
 * raw, UNEXPANDED words of the source (quotes included where Docker keeps them until
 * expansion); the builder expands them later with the stage's env, as BuildKit does.
 */
import type { CheckDirective } from './check-directive.js';
import type { SourceLoc } from './errors.js';
import type { Heredoc } from './heredoc.js';
export type { CheckDirective, Heredoc };

/** What every instruction has: its place and its source text (for history `created_by`). */
interface InstructionBase<K extends string> {
  readonly kind: K;
  readonly loc: SourceLoc;
  /** The logical line as written (continuations joined, comments removed). */
  readonly original: string;
}

/** RUN/CMD/ENTRYPOINT: exec form only when the text is a JSON array of strings. */
export type CommandForm =
  | { readonly form: 'exec'; readonly args: readonly string[] }
  | { readonly form: 'shell'; readonly command: string };

/** An ordered `key=value` item of ENV or LABEL (both raw). */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** One name of an ARG line, with its raw default when it has one. */
export interface ArgItem {
  readonly name: string;
  readonly default?: string;
}

/** `FROM [--platform] image [AS name]`: starts a stage. */
export interface FromInstruction extends InstructionBase<'FROM'> {
  readonly image: string;
  /** The `AS name`, lowercased. */
  readonly name?: string;
  readonly platform?: string;
}
/** `RUN`: a command run in the stage's rootfs. */
export interface RunInstruction extends InstructionBase<'RUN'> {
  /** For a heredoc RUN, the line's command with its markers (`<<EOF`, `python3 <<PY`). */
  readonly command: CommandForm;
  /** With the `heredocs` feature: the bodies, in the order of their markers. */
  readonly heredocs?: readonly Heredoc[];
  /** With `runMounts`: each `--mount` value, raw; `parseRunMount` types it after expansion. */
  readonly mounts?: readonly string[];
  /** With `runNetwork`. */
  readonly network?: 'default' | 'none' | 'host';
  /** With `runSecurity`. */
  readonly security?: 'sandbox' | 'insecure';
}
/** `CMD`: the default command of the image. */
export interface CmdInstruction extends InstructionBase<'CMD'> {
  readonly command: CommandForm;
}
/** `ENTRYPOINT`: the entrypoint of the image. */
export interface EntrypointInstruction extends InstructionBase<'ENTRYPOINT'> {
  readonly command: CommandForm;
}
/** `COPY`: files from the context, a stage or an image. */
export interface CopyInstruction extends InstructionBase<'COPY'> {
  readonly sources: readonly string[];
  readonly dest: string;
  readonly flags: {
    readonly from?: string;
    readonly chown?: string;
    readonly chmod?: string;
    readonly link?: boolean;
    readonly parents?: boolean;
    readonly exclude?: readonly string[];
  };
  /** With `heredocs`: files to create, named by `name` (their words are not in `sources`). */
  readonly heredocs?: readonly Heredoc[];
}
/** `ADD`: like COPY, plus URLs and archives. */
export interface AddInstruction extends InstructionBase<'ADD'> {
  readonly sources: readonly string[];
  readonly dest: string;
  readonly flags: {
    readonly chown?: string;
    readonly chmod?: string;
    readonly link?: boolean;
    readonly exclude?: readonly string[];
    readonly checksum?: string;
    readonly keepGitDir?: boolean;
    readonly unpack?: boolean;
  };
  /** With `heredocs`: files to create, named by `name` (their words are not in `sources`). */
  readonly heredocs?: readonly Heredoc[];
}
/** `ENV`: environment variables of the image. */
export interface EnvInstruction extends InstructionBase<'ENV'> {
  readonly pairs: readonly KeyValue[];
}
/** `LABEL`: image labels. */
export interface LabelInstruction extends InstructionBase<'LABEL'> {
  readonly pairs: readonly KeyValue[];
}
/** `ARG`: build arguments, with raw defaults. */
export interface ArgInstruction extends InstructionBase<'ARG'> {
  readonly args: readonly ArgItem[];
}
/** `WORKDIR`: the working directory. */
export interface WorkdirInstruction extends InstructionBase<'WORKDIR'> {
  readonly path: string;
}
/** `USER`: the user (and group) commands run as. */
export interface UserInstruction extends InstructionBase<'USER'> {
  readonly user: string;
}
/** `EXPOSE`: ports the image declares. */
export interface ExposeInstruction extends InstructionBase<'EXPOSE'> {
  /** Raw words such as `80`, `8000-8010/udp`, `${PORT}` (expanded and split by the builder). */
  readonly ports: readonly string[];
}
/** `VOLUME`: volume mount points. */
export interface VolumeInstruction extends InstructionBase<'VOLUME'> {
  readonly volumes: readonly string[];
}
/** `STOPSIGNAL`: the signal that stops the container. */
export interface StopsignalInstruction extends InstructionBase<'STOPSIGNAL'> {
  readonly signal: string;
}

/** HEALTHCHECK options present in the source; durations in nanoseconds as the image config stores them. */
export interface HealthcheckOptions {
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}
/** `HEALTHCHECK`: the container health test, or NONE. */
export interface HealthcheckInstruction extends InstructionBase<'HEALTHCHECK'> {
  readonly test: { readonly type: 'NONE' } | { readonly type: 'CMD'; readonly command: CommandForm };
  readonly options: HealthcheckOptions;
}
/** `SHELL`: the shell for shell-form commands (JSON only). */
export interface ShellInstruction extends InstructionBase<'SHELL'> {
  readonly shell: readonly string[];
}
/** `ONBUILD`: a trigger for images built FROM this one. */
export interface OnbuildInstruction extends InstructionBase<'ONBUILD'> {
  /** The trigger as recorded in the image config (`ONBUILD ` removed), validated by re-parsing. */
  readonly expression: string;
}
/** `MAINTAINER`: deprecated author field. */
export interface MaintainerInstruction extends InstructionBase<'MAINTAINER'> {
  readonly maintainer: string;
}

/** Every Dockerfile instruction, discriminated by `kind`. */
export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | CopyInstruction
  | AddInstruction
  | EnvInstruction
  | ArgInstruction
  | WorkdirInstruction
  | UserInstruction
  | LabelInstruction
  | ExposeInstruction
  | VolumeInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

/** One build stage: its FROM and the instructions after it. */
export interface Stage {
  readonly index: number;
  /** The `AS` name, lowercased. */
  readonly name?: string;
  readonly from: FromInstruction;
  readonly instructions: readonly Instruction[];
}

/** Parser directives at the top of the file. */
export interface Directives {
  readonly escape: '\\' | '`';
  readonly syntax?: string;
  readonly check?: string;
  /** With the `checks` feature: `check` parsed (BuildKit's linter directive). */
  readonly checks?: CheckDirective;
}

/** A parsed Dockerfile. `globalArgs` are the ARGs before the first FROM. */
export interface Dockerfile {
  readonly directives: Directives;
  readonly globalArgs: readonly ArgInstruction[];
  readonly stages: readonly Stage[];
}
