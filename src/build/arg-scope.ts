/**
 * ARG scoping as Docker does it: an ARG is visible from its declaration to the end of its stage;
 * `--build-arg` overrides its default; a stage ARG without a default takes the global value of
 * the same name; the proxy ARGs are predefined. ENV always wins over an ARG of the same name
 * (that precedence lives in the lookup, see `envLookup`).
 */

/** The proxy variables Docker passes to RUN without an ARG declaration. */
export const PREDEFINED_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy',
  'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

/** ARG values visible at one point of a stage. Immutable: `declare` returns a new scope. */
export class ArgScope {
  private constructor(
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly globals: ReadonlyMap<string, string>,
    private readonly declared: ReadonlyMap<string, string | undefined>,
  ) {}

  /** A stage's scope at its FROM: only predefined args given with --build-arg are visible. */
  static forStage(buildArgs: ReadonlyMap<string, string>, globals: ReadonlyMap<string, string>): ArgScope {
    return new ArgScope(buildArgs, globals, new Map());
  }

  /** `ARG name[=default]`; `fallback` is the default already expanded by the caller. */
  declare(name: string, fallback: string | undefined): ArgScope {
    const value = this.buildArgs.get(name) ?? fallback ?? this.globals.get(name);
    const next = new Map(this.declared);
    next.set(name, value);
    return new ArgScope(this.buildArgs, this.globals, next);
  }

  /** The value of an ARG in scope; undefined when not declared or declared without a value. */
  get(name: string): string | undefined {
    if (this.declared.has(name)) return this.declared.get(name);
    return PREDEFINED_ARGS.includes(name) ? this.buildArgs.get(name) : undefined;
  }

  /** `K=V` for every ARG with a value, for RUN's environment (predefined ones included). */
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

/** A lookup for the expander: ENV from the config first, then ARGs in scope. */
export function envLookup(env: readonly string[] | null | undefined, args: ArgScope): (name: string) => string | undefined {
  const fromEnv = new Map<string, string>();
  for (const kv of env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) fromEnv.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return (name) => fromEnv.get(name) ?? args.get(name);
}

/** Sets or replaces `key` in a `K=V` list, keeping order (Docker's ENV update). */
export function setEnv(env: readonly string[] | null | undefined, key: string, value: string): string[] {
  const list = [...(env ?? [])];
  const i = list.findIndex((kv) => kv.startsWith(`${key}=`));
  if (i >= 0) list[i] = `${key}=${value}`;
  else list.push(`${key}=${value}`);
  return list;
}
