/**
 * ARG scoping as BuildKit does it: an ARG is visible from its declaration to the end of its stage;
 * `--build-arg` overrides its default; a stage ARG without a default takes the global value of
 * the same name (the automatic platform ARGs included); the proxy ARGs reach RUN undeclared.
 * ARG and ENV share one ordered environment: whichever of the two set a name last wins, so an
 * ARG declared after an ENV (or after the base image's ENV) of the same name shadows it until a
 * later ENV sets that name again (BuildKit's `llb.State` env; kaniko's issue 3344).
 */

/** The proxy variables Docker passes to RUN without an ARG declaration. */
export const PREDEFINED_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy',
  'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

/** ARG values visible at one point of a stage. Immutable: every change returns a new scope. */
export class ArgScope {
  private constructor(
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly globals: ReadonlyMap<string, string>,
    private readonly declared: ReadonlyMap<string, string | undefined>,
    /** Declared ARGs with a value that no later ENV has set: they win over ENV. */
    private readonly shadowing: ReadonlySet<string>,
  ) {}

  /** A stage's scope at its FROM: nothing declared yet. `globals` holds global and platform ARGs. */
  static forStage(buildArgs: ReadonlyMap<string, string>, globals: ReadonlyMap<string, string>): ArgScope {
    return new ArgScope(buildArgs, globals, new Map(), new Set());
  }

  /** `ARG name[=default]`; `fallback` is the default already expanded by the caller. */
  declare(name: string, fallback: string | undefined): ArgScope {
    const value = this.buildArgs.get(name) ?? fallback ?? this.globals.get(name);
    const declared = new Map(this.declared).set(name, value);
    const shadowing = new Set(this.shadowing);
    if (value === undefined) shadowing.delete(name);
    else shadowing.add(name);
    return new ArgScope(this.buildArgs, this.globals, declared, shadowing);
  }

  /** `ENV` set these names: from here on the ENV values win over ARGs of the same names. */
  afterEnv(names: readonly string[]): ArgScope {
    if (!names.some((n) => this.shadowing.has(n))) return this;
    const shadowing = new Set(this.shadowing);
    for (const name of names) shadowing.delete(name);
    return new ArgScope(this.buildArgs, this.globals, this.declared, shadowing);
  }

  /** The value of a declared ARG; undefined when not declared or declared without a value. */
  get(name: string): string | undefined {
    return this.declared.get(name);
  }

  /** True when the ARG `name` was set after any ENV of that name, so it wins over ENV. */
  shadows(name: string): boolean {
    return this.shadowing.has(name);
  }

  /** `[name, value]` for RUN's environment: proxy build args, then declared ARGs with a value. */
  entries(): [string, string][] {
    const out = new Map<string, string>();
    for (const name of PREDEFINED_ARGS) {
      const v = this.buildArgs.get(name);
      if (v !== undefined) out.set(name, v);
    }
    for (const [k, v] of this.declared) if (v !== undefined) out.set(k, v);
    return [...out];
  }

  /** Names this scope has declared (to report unconsumed --build-args). */
  names(): string[] {
    return [...this.declared.keys()];
  }
}

/** A lookup for the expander: the ENV list and the ARGs in scope, whichever set a name last. */
export function envLookup(env: readonly string[] | null | undefined, args: ArgScope): (name: string) => string | undefined {
  const fromEnv = new Map<string, string>();
  for (const kv of env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) fromEnv.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return (name) => (args.shadows(name) ? args.get(name) : (fromEnv.get(name) ?? args.get(name)));
}

/**
 * RUN's environment: the config's ENV, with ARGs that shadow an ENV replacing its value and the
 * other ARGs in scope (proxy build args included) added when ENV does not define them.
 */
export function runEnvironment(env: readonly string[] | null | undefined, args: ArgScope): string[] {
  let list = [...(env ?? [])];
  const has = (key: string) => list.some((kv) => kv.startsWith(`${key}=`));
  for (const [key, value] of args.entries()) if (args.shadows(key) || !has(key)) list = setEnv(list, key, value);
  return list;
}

/** Sets or replaces `key` in a `K=V` list, keeping order (Docker's ENV update). */
export function setEnv(env: readonly string[] | null | undefined, key: string, value: string): string[] {
  const list = [...(env ?? [])];
  const i = list.findIndex((kv) => kv.startsWith(`${key}=`));
  if (i >= 0) list[i] = `${key}=${value}`;
  else list.push(`${key}=${value}`);
  return list;
}
