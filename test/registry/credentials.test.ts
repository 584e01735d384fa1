/** Credential lookup from real config files in temp dirs, and Docker's key spellings. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRegistryKey, helperServerUrl, normaliseRegistryKey } from '../../src/registry/credential-keys.js';
import { loadCredentials } from '../../src/registry/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registry keys in a Docker config', () => {
  it.each([
    ['registry.example.com', 'registry.example.com'],
    ['https://registry.example.com', 'registry.example.com'],
    ['http://registry.example.com:5000/v1/', 'registry.example.com:5000'],
    ['registry.example.com/v1/', 'registry.example.com'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['HTTPS://Registry.Example.com', 'registry.example.com'],
  ])('%s → %s', (key, expected) => {
    expect(normaliseRegistryKey(key)).toBe(expected);
  });

  it('prefers an exact key, then any equivalent spelling, never a different port', () => {
    expect(findRegistryKey(['https://r.io', 'r.io'], 'r.io')).toBe('r.io');
    expect(findRegistryKey(['https://r.io/v1/'], 'r.io')).toBe('https://r.io/v1/');
    expect(findRegistryKey(['r.io:5000'], 'r.io')).toBeUndefined();
    expect(findRegistryKey(['https://index.docker.io/v1/'], 'docker.io')).toBe('https://index.docker.io/v1/');
  });

  it('asks helpers about Docker Hub by its historical URL', () => {
    expect(helperServerUrl('docker.io')).toBe('https://index.docker.io/v1/');
    expect(helperServerUrl('r.io:5000')).toBe('r.io:5000');
  });
});

describe('loadCredentials', () => {
  it('reads auth (base64), username/password and identitytoken entries', async () => {
    await using dir = await tempDir({
      'config.json': JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
          'r.example.com': { username: 'u', password: 'p' },
          'token.example.com': { identitytoken: 'refresh-me' },
          'empty.example.com': {},
        },
      }),
    });
    const store = await loadCredentials({ DOCKER_CONFIG: dir.path, HOME: '/nonexistent' });
    const hub = await store.lookup('docker.io');
    expect(hub.credential).toEqual({ username: 'hubuser', password: 'hub:pass' });
    expect(hub.source).toBe(`${join(dir.path, 'config.json')} (auths["https://index.docker.io/v1/"])`);
    expect((await store.lookup('r.example.com')).credential).toEqual({ username: 'u', password: 'p' });
    expect((await store.lookup('token.example.com')).credential).toEqual({ identityToken: 'refresh-me' });
    const none = await store.lookup('empty.example.com');
    expect(none.credential).toBeUndefined();
    expect(none.source).toMatch(/^anonymous \(no credentials for empty.example.com in .*config.json\)$/);
  });

  it('falls back to ~/.docker/config.json and lists what it tried when nothing exists', async () => {
    await using home = await tempDir({ '.docker/config.json': JSON.stringify({ auths: { 'r.io': { auth: b64('a:b') } } }) });
    const store = await loadCredentials({ DOCKER_CONFIG: join(home.path, 'missing'), HOME: home.path });
    expect((await store.lookup('r.io')).source).toContain(join(home.path, '.docker/config.json'));
    const nothing = await loadCredentials({ HOME: join(home.path, 'nobody') });
    expect((await nothing.lookup('r.io')).source).toBe(
      `anonymous (no Docker config found; tried /kaniko/.docker/config.json, ${join(home.path, 'nobody/.docker/config.json')})`,
    );
  });

  it('names the file when the config is broken', async () => {
    await using dir = await tempDir({ 'config.json': '{"auths": ' });
    await expect(loadCredentials({ DOCKER_CONFIG: dir.path })).rejects.toMatchObject({ code: 'TSB_CREDENTIALS' });
    await expect(loadCredentials({ DOCKER_CONFIG: dir.path })).rejects.toThrow(join(dir.path, 'config.json'));
    await using bad = await tempDir({ 'config.json': JSON.stringify({ auths: { 'r.io': { auth: b64('no-colon') } } }) });
    const store = await loadCredentials({ DOCKER_CONFIG: bad.path });
    await expect(store.lookup('r.io')).rejects.toThrow(/auths\["r.io"\].*not base64 of user:password/);
  });

  it('names a credential helper that is not installed', async () => {
    await using dir = await tempDir({ 'config.json': JSON.stringify({ credsStore: 'tsbuild-absent-helper' }) });
    const store = await loadCredentials({ DOCKER_CONFIG: dir.path });
    const lookup = store.lookup('r.io');
    await expect(lookup).rejects.toMatchObject({ code: 'TSB_CREDENTIALS' });
    await expect(lookup).rejects.toThrow(/docker-credential-tsbuild-absent-helper .*is not installed/);
  });
});

describe('$REGISTRY_AUTH_FILE', () => {
  it('is asked first, and a registry it does not know falls through to the Docker config', async () => {
    await using podman = await tempDir({ 'auth.json': JSON.stringify({ auths: { 'r.io': { auth: b64('podman:pw') } } }) });
    await using docker = await tempDir({
      'config.json': JSON.stringify({ auths: { 'r.io': { auth: b64('docker:pw') }, 'other.io': { auth: b64('docker:other') } } }),
    });
    const authFile = join(podman.path, 'auth.json');
    const store = await loadCredentials({ REGISTRY_AUTH_FILE: authFile, DOCKER_CONFIG: docker.path });
    expect(await store.lookup('r.io')).toEqual({ credential: { username: 'podman', password: 'pw' }, source: `${authFile} (auths["r.io"])` });
    expect((await store.lookup('other.io')).credential).toEqual({ username: 'docker', password: 'other' });
    expect((await store.lookup('none.io')).source).toBe(`anonymous (no credentials for none.io in ${authFile} or ${join(docker.path, 'config.json')})`);
  });

  it('is enough on its own, and a missing one is reported among the files tried', async () => {
    await using podman = await tempDir({ 'auth.json': JSON.stringify({ auths: { 'r.io': { username: 'u', password: 'p' } } }) });
    const alone = await loadCredentials({ REGISTRY_AUTH_FILE: join(podman.path, 'auth.json'), HOME: join(podman.path, 'nobody') });
    expect((await alone.lookup('r.io')).credential).toEqual({ username: 'u', password: 'p' });
    const missing = await loadCredentials({ REGISTRY_AUTH_FILE: join(podman.path, 'gone.json'), HOME: join(podman.path, 'nobody') });
    expect((await missing.lookup('r.io')).source).toContain(`tried ${join(podman.path, 'gone.json')}, /kaniko/.docker/config.json`);
  });
});
