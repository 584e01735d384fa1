/**
 * The cache-key input of ADD's URL sources. With `--checksum` it is the URL and the checksum:
 * nothing is downloaded, as BuildKit keys its HTTP source by a given checksum (a hit is then not
 * re-verified, there too). Without, it is the digest of the downloaded content, so a URL whose
 * content changed misses and an unchanged one hits; the handler later copies that same download
 * (remote-sources.ts). Like local sources, the file's mtime (Last-Modified) is left out.
 */
import { sourceDigest } from '../cache/index.js';
import type { AddInstruction } from '../dockerfile/index.js';
import type { StepContext } from './types.js';

/** `urls` are the instruction's expanded URL sources, in order. */
export async function urlKeyInputs(urls: readonly string[], ins: AddInstruction, step: Pick<StepContext, 'expand' | 'remote'>): Promise<string> {
  const checksum = ins.flags.checksum === undefined ? undefined : step.expand(ins.flags.checksum);
  if (checksum !== undefined) return JSON.stringify(urls.map((url) => [url, checksum]));
  const digests = await Promise.all(urls.map(async (url) => [url, await sourceDigest([await step.remote.download(url)], { dest: '' })]));
  return JSON.stringify(digests);
}
