/**
 * The negative half of a secret case: a build secret must reach no blob of the image (each layer
 * uncompressed, so a file written then deleted in a later layer is still found; the config with
 * its history; the manifest) and not the builder's log. Searched byte for byte in the OCI layout
 * the builder wrote, not in tsbuild's own view of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ConformanceCase } from './cases.js';

/** Every blob of an OCI layout, gzip layers uncompressed; a zstd layer would hide a leak, so it throws. */
function layoutBlobs(layout: string): { name: string; data: Buffer }[] {
  const dir = join(layout, 'blobs', 'sha256');
  return readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    if (data.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) throw new Error(`${dir}/${name}: a zstd blob cannot be searched for secrets`);
    return { name, data: data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data };
  });
}

/** Where the case's secret values show up (empty when nowhere): blobs of `layout`, or `output`. */
export function findSecretLeaks(c: ConformanceCase, layout: string, output: string): string[] {
  const secrets = Object.entries(c.expected.secrets ?? {});
  if (secrets.length === 0) return [];
  const blobs = layoutBlobs(layout);
  return secrets.flatMap(([id, file]) => {
    // Without a final newline: a command that prints the value may drop it.
    const value = Buffer.from(readFileSync(join(c.dir, file), 'utf8').replace(/\n$/, ''));
    if (value.length < 8) throw new Error(`${c.name}: secret ${id} is too short to be searched for reliably`);
    return [
      ...blobs.filter((b) => b.data.includes(value)).map((b) => `secret ${id} is in blob sha256:${b.name}`),
      ...(output.includes(value.toString('utf8')) ? [`secret ${id} is in the build log`] : []),
    ];
  });
}
