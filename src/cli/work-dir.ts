/**
 * Where each run's work directory is created. kaniko takes `--kaniko-dir`, else `KANIKO_DIR`;
 * tsbuild adds `TSBUILD_WORK_DIR` after both: the executor image sets it (to /kaniko) as a
 * default, so a `KANIKO_DIR` a kaniko pod spec sets on purpose still wins over it. Without any,
 * the system temp dir.
 */

/** The directory to create the run's work dir in. */
export function workDirBase(kanikoDir: string | undefined, env: Readonly<Record<string, string | undefined>>, tmp: string): string {
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  return kanikoDir ?? fromEnv('KANIKO_DIR') ?? fromEnv('TSBUILD_WORK_DIR') ?? tmp;
}
