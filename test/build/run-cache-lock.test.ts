/**
 * The lock of `sharing=locked` cache mounts on a real directory: a second taker waits until the
 * first releases, a non-waiting taker (`private`) gets nothing while it is held, and a lock left
 * by a process of this host that no longer exists (or a reused pid) is taken over; another host's is not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeCacheLock } from '../../src/build/mounts/cache-lock.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('cache mount lock', () => {
  it('serializes takers and refuses a non-waiting one while held', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'id.lock');
    const release = await takeCacheLock(file, true);
    expect(release).toBeDefined();
    expect(await takeCacheLock(file, false)).toBeUndefined();
    const order: string[] = [];
    const waits: string[] = [];
    const second = takeCacheLock(file, true, (f, holder) => waits.push(`${f} ${holder.split(' ')[1]}`)).then((r) => {
      order.push('second');
      return r;
    });
    await new Promise((done) => setTimeout(done, 300));
    order.push('released');
    await release!();
    const releaseSecond = await second;
    expect(order).toEqual(['released', 'second']);
    expect(waits).toEqual([`${file} ${process.pid}`]);
    await releaseSecond!();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'id.lock');
    const gone = spawnSync('true').pid!;
    writeFileSync(file, `${hostname()} ${gone} 1`);
    const release = await takeCacheLock(file, false);
    expect(release).toBeDefined();
    await release!();
    // This process's pid with another start time: a pid reused after a restart, not the owner.
    writeFileSync(file, `${hostname()} ${process.pid} 1`);
    const reused = await takeCacheLock(file, false);
    expect(reused).toBeDefined();
    await reused!();
    // A lock of another host is never taken over.
    writeFileSync(file, `elsewhere ${gone} 1`);
    expect(await takeCacheLock(file, false)).toBeUndefined();
  });
});
