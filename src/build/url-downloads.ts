/**
 * ADD <url> downloads, once per build. The cache plan digests a download to key its step (as
 * BuildKit keys its HTTP source by content), and the handler copies that same file: a URL is
 * fetched once, and the key describes exactly the bytes the layer gets. Files live under the
 * build's work dir, removed with it.
 */
import { downloadUrlSource } from '../context/index.js';
import type { CopySource } from '../fs/index.js';

/** A build's downloads by URL. */
export class UrlDownloads {
  readonly #dir: string;
  readonly #started = new Map<string, Promise<CopySource>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The downloaded file of `url`, fetched on the first call; a failure is every caller's. */
  get(url: string): Promise<CopySource> {
    let download = this.#started.get(url);
    if (download === undefined) {
      download = downloadUrlSource(url, this.#dir);
      this.#started.set(url, download);
    }
    return download;
  }
}
