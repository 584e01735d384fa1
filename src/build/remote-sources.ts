/**
 * What a build fetches from outside, once per build: ADD's URL downloads and the commits its git
 * refs resolve to. The cache plan keys a step by them (the downloaded content, the resolved
 * commit) and the handler then uses the very same download or commit: a URL is fetched once,
 * and a branch that moves while the build runs cannot make a layer that its key does not
 * describe. Downloads live under the build's work dir, removed with it.
 */
import { downloadUrlSource, type GitSource, type ResolvedGitRef } from '../context/index.js';
import type { CopySource } from '../fs/index.js';

/** A build's remote sources, each fetched or resolved on first use; a failure is every caller's. */
export class RemoteSources {
  readonly #dir: string;
  readonly #downloads = new Map<string, Promise<CopySource>>();
  readonly #refs = new Map<string, Promise<ResolvedGitRef>>();

  constructor(downloadDir: string) {
    this.#dir = downloadDir;
  }

  /** The downloaded file of `url`. */
  download(url: string): Promise<CopySource> {
    return once(this.#downloads, url, () => downloadUrlSource(url, this.#dir));
  }

  /** What `source`'s ref resolves to, by `resolve` the first time it is asked for in this build. */
  gitRef(source: GitSource, resolve: () => Promise<ResolvedGitRef>): Promise<ResolvedGitRef> {
    return once(this.#refs, `${source.remote}#${source.ref}`, resolve);
  }
}

function once<T>(started: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
  let value = started.get(key);
  if (value === undefined) {
    value = start();
    started.set(key, value);
  }
  return value;
}
