/**
 * RUN --mount=type=secret with `--secret` through bin/tsbuild and a real registry. The negative
 * cases are proved byte for byte: the secret values are absent from every blob of the pushed
 * image (each layer tar uncompressed, the config with its history, the manifest) and from
 * tsbuild's stdout and stderr at debug level; a control build that copies the secret into a kept
 * file shows the same search does find it when it is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

const FILE_SECRET = 'file-secret-Zq7vX2pL9wK4';
const ENV_SECRET = 'env-secret-Mh3tR8yN1cB6';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let h: E2eHarness;
let secretFile: string;
beforeAll(async () => {
  h = await E2eHarness.start();
  secretFile = join(h.work.path, 'token.txt');
  writeFileSync(secretFile, FILE_SECRET);
  // runTsbuild hands the test process's environment to bin/tsbuild.
  process.env['TSBUILD_TEST_TOKEN'] = ENV_SECRET;
});
afterAll(async () => {
  delete process.env['TSBUILD_TEST_TOKEN'];
  await h?.stop();
});

/** Every blob of the pushed image's layout (layers uncompressed). */
function blobs(rootfs: string): Buffer[] {
  const dir = join(rootfs, '../../layout/blobs/sha256');
  return readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  });
}

const SECRET_FLAGS = ['--verbosity', 'debug', '--secret', `id=tok,src=${'SECRET_FILE'}`, '--secret', 'id=envtok,env=TSBUILD_TEST_TOKEN'];
const flags = () => SECRET_FLAGS.map((f) => f.replace('SECRET_FILE', secretFile));

const DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE}',
  'RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok | cut -c1-64 > /file-hash && stat -c "%a %u %g" /run/secrets/tok > /file-stat',
  'RUN --mount=type=secret,id=envtok,env=TOKEN printf %s "$TOKEN" | sha256sum | cut -c1-64 > /env-hash && (test -e /run/secrets/envtok && echo file || echo no-file) > /env-file',
  'RUN --mount=type=secret,id=tok,target=/etc/custom,mode=0440,uid=1000,gid=10 stat -c "%a %u %g" /etc/custom > /custom-stat && sha256sum < /etc/custom | cut -c1-64 >> /custom-stat',
  'RUN --mount=type=secret,id=envtok,target=/etc/both,env=BOTH sha256sum < /etc/both | cut -c1-64 > /both && printf %s "$BOTH" | sha256sum | cut -c1-64 >> /both',
  'RUN --mount=type=secret,id=absent (test -e /run/secrets/absent && echo present || echo absent) > /absent',
  'RUN env > /env-after',
  '',
].join('\n');

describe('RUN --mount=type=secret (e2e)', () => {
  it('gives the command the secret as a file or env var and keeps it out of the image and the log', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE }, flags());
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('file-hash')).toBe(`${sha(FILE_SECRET)}\n`);
    expect(read('file-stat')).toBe('400 0 0\n');
    expect(read('env-hash')).toBe(`${sha(ENV_SECRET)}\n`);
    expect(read('env-file')).toBe('no-file\n');
    expect(read('custom-stat')).toBe(`440 1000 10\n${sha(FILE_SECRET)}\n`);
    expect(read('both')).toBe(`${sha(ENV_SECRET)}\n${sha(ENV_SECRET)}\n`);
    expect(read('absent')).toBe('absent\n');
    expect(read('env-after')).not.toMatch(/TOKEN|BOTH/);
    for (const p of ['run/secrets', 'etc/custom', 'etc/both']) expect(existsSync(join(rootfs, p)), p).toBe(false);
    const all = blobs(rootfs);
    expect(all.length).toBeGreaterThan(2);
    for (const secret of [FILE_SECRET, ENV_SECRET]) {
      expect(all.filter((b) => b.includes(secret))).toHaveLength(0);
      expect(JSON.stringify(config)).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
    // The log did run at debug level: the search above looked at real output.
    expect(run.stderr).toMatch(/DEBUG/);
  });

  it('control: a secret copied into a kept file is found by the same search', async () => {
    const df = 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /leaked\nRUN --mount=type=secret,id=envtok,env=T printf %s "$T" > /leaked-env\n';
    const { run, rootfs } = await h.build({ Dockerfile: df }, flags());
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'leaked'), 'utf8')).toBe(FILE_SECRET);
    const all = blobs(rootfs);
    expect(all.filter((b) => b.includes(FILE_SECRET))).toHaveLength(1);
    expect(all.filter((b) => b.includes(ENV_SECRET))).toHaveLength(1);
  });

  it('fails at the line of a required secret that was not given', async () => {
    const df = 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=secret,id=missing,required=true true\n';
    const { run } = await h.build({ Dockerfile: df });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/secret missing is required/);
  });

  it('refuses a malformed --secret and one naming an unset variable', async () => {
    const unset = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\n' }, ['--secret', 'id=x,env=TSBUILD_TEST_UNSET_VAR']);
    expect(unset.run.code).toBe(2);
    expect(unset.run.stderr).toMatch(/TSBUILD_TEST_UNSET_VAR is not set/);
    const malformed = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\n' }, ['--secret', 'id=x,src=/a,env=B']);
    expect(malformed.run.code).toBe(2);
    expect(malformed.run.stderr).toMatch(/--secret: .*expected id=ID with src=PATH or env=VAR/);
  });
});
