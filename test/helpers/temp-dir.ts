import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temp directory removed on `await using`. `tree` maps relative paths to file contents. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
}

export async function tempDir(tree: Record<string, string> = {}): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'tsbuild-test-'));
  for (const [rel, content] of Object.entries(tree)) {
    const file = join(path, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return {
    path,
    async [Symbol.asyncDispose]() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
