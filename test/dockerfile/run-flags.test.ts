import { describe, expect, it } from 'vitest';
import { ALL_FEATURES, DockerfileError, parseDockerfile, parseRunMount, parseTrigger, type ParseOptions } from '../../src/dockerfile/index.js';

const ON: ParseOptions = { features: ALL_FEATURES };
const LOC = { file: 'Dockerfile', line: 7, endLine: 7 };

// --mount value | typed mount with BuildKit's defaults
const MOUNTS: readonly (readonly [string, object])[] = [
  ['target=/src', { type: 'bind', target: '/src', source: '.', readonly: true }],
  ['type=bind,from=build,src=/out,dst=/in,rw', { type: 'bind', target: '/in', from: 'build', source: '/out', readonly: false }],
  ['type=bind,target=/in,readwrite=true,readonly', { type: 'bind', target: '/in', source: '.', readonly: true }],
  [
    'TYPE=CACHE,Target=/root/.cache',
    { type: 'cache', target: '/root/.cache', id: '/root/.cache', sharing: 'shared', readonly: false, mode: 0o755, uid: 0, gid: 0 },
  ],
  [
    'type=cache,target=/c,id=pip,sharing=LOCKED,from=base,source=/seed,mode=0700,uid=1000,gid=100,ro',
    { type: 'cache', target: '/c', id: 'pip', sharing: 'locked', from: 'base', source: '/seed', readonly: true, mode: 0o700, uid: 1000, gid: 100 },
  ],
  ['type=tmpfs,target=/tmp', { type: 'tmpfs', target: '/tmp' }],
  ['type=tmpfs,target=/tmp,size=64m', { type: 'tmpfs', target: '/tmp', sizeBytes: 64 * 1024 * 1024 }],
  ['type=tmpfs,target=/tmp,size=1.5GiB', { type: 'tmpfs', target: '/tmp', sizeBytes: 1.5 * 2 ** 30 }],
  ['type=secret,id=npmrc', { type: 'secret', id: 'npmrc', target: '/run/secrets/npmrc', required: false, mode: 0o400, uid: 0, gid: 0 }],
  ['type=secret,target=/root/.npmrc', { type: 'secret', id: '.npmrc', target: '/root/.npmrc', required: false, mode: 0o400, uid: 0, gid: 0 }],
  ['type=secret,src=aws,required=true,mode=0440,uid=5', { type: 'secret', id: 'aws', target: '/run/secrets/aws', required: true, mode: 0o440, uid: 5, gid: 0 }],
  ['type=secret,id=tok,env=TOKEN', { type: 'secret', id: 'tok', env: 'TOKEN', required: false, mode: 0o400, uid: 0, gid: 0 }],
  ['type=secret,id=tok,env=TOKEN,target=/t', { type: 'secret', id: 'tok', target: '/t', env: 'TOKEN', required: false, mode: 0o400, uid: 0, gid: 0 }],
  ['type=secret,id=tok,env=', { type: 'secret', id: 'tok', env: 'tok', required: false, mode: 0o400, uid: 0, gid: 0 }],
  ['type=bind,"target=/a,b",source=x', { type: 'bind', target: '/a,b', source: 'x', readonly: true }],
  ['type=bind,"target=/a""b"', { type: 'bind', target: '/a"b', source: '.', readonly: true }],
  ['type=ssh', { type: 'ssh', id: 'default', required: false, mode: 0o600, uid: 0, gid: 0 }],
  ['type=ssh,id=gh,target=/agent,required,mode=0660,uid=1000,gid=10', { type: 'ssh', id: 'gh', target: '/agent', required: true, mode: 0o660, uid: 1000, gid: 10 }],
];

describe('parseRunMount', () => {
  it.each(MOUNTS)('%s', (raw, expected) => {
    expect(parseRunMount(raw, LOC)).toEqual(expected);
  });

  it('expands option values with the given expander, after the parser left them raw', () => {
    const env: Record<string, string> = { CACHE: '/root/.cache', ID: 'go' };
    const expandWord = (w: string) => w.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? '');
    expect(parseRunMount('type=cache,target=$CACHE,id=$ID', LOC, expandWord)).toMatchObject({ target: '/root/.cache', id: 'go' });
  });

  it.each(['type=bind,target="/x', 'type=bind,tar"get=/x', '"type=bind"x,target=/x'])('%s is not CSV', (raw) => {
    expect(() => parseRunMount(raw, LOC)).toThrow(/Dockerfile:7: RUN --mount=.*failed to parse csv mounts/);
  });
});

// --mount value | message contains (always at the RUN's line)
const MOUNT_ERRORS: readonly (readonly [string, string])[] = [
  ['type=volume,target=/x', 'unsupported mount type "volume"'],
  ['type=cahce,target=/x', '(did you mean cache?)'],
  ['type=cache,target=/x,sharing=exclusive', 'unsupported cache sharing value "exclusive"'],
  ['type=bind,target=/x,sharing=shared', 'invalid cache sharing set for bind mount'],
  ['type=cache,target=/x,mode=0999', 'invalid value 0999 for mode'],
  ['type=cache,target=/x,uid=-1', 'invalid value -1 for uid'],
  ['type=bind,target=/x,mode=0644', 'mode not allowed for "bind" type mounts'],
  ['type=tmpfs,target=/x,uid=1', 'uid not allowed for "tmpfs" type mounts'],
  ['type=cache,target=/x,size=1m', "unexpected key 'size' for mount type 'cache'"],
  ['type=tmpfs,target=/x,size=lots', 'invalid value for size: lots'],
  ['type=bind,target=/x,required', "unexpected key 'required' for mount type 'bind'"],
  ['required,type=secret,id=x', "unexpected key 'required' for mount type 'bind'"],
  ['type=bind,target=/x,nosuid', "invalid field 'nosuid' must be a key=value pair"],
  ['type=bind,traget=/x', "unexpected key 'traget' in 'traget=/x' (did you mean target?)"],
  ['type=bind,target=/x,ro=maybe', 'invalid value for ro: maybe'],
  ['type=secret', 'invalid secret mount. one of source, target required'],
  ['type=secret,env=TOKEN', 'invalid secret mount. one of source, target required'],
  ['type=secret,id=a,from=b', 'secret mount should not have a from'],
  ['type=secret,id=a,src=b', "both source and id can't be set"],
  ['type=ssh,source=/x', 'ssh does not support source'],
  ['type=cache', 'mount type "cache" requires a target'],
  ['type=bind,from=$STAGE,target=/x', "'from' doesn't support variable expansion"],
];

function parseError(text: string, options: ParseOptions = ON): DockerfileError {
  try {
    parseDockerfile(text, 'Dockerfile', options);
  } catch (err) {
    if (err instanceof DockerfileError) return err;
    throw err;
  }
  throw new Error('expected a DockerfileError');
}

describe('RUN flags with the features on', () => {
  it.each(MOUNT_ERRORS)('--mount=%s', (raw, contains) => {
    const err = parseError(`FROM a\nRUN true\nRUN --mount=${raw} make\n`);
    expect(err.code).toBe('TSB_DOCKERFILE_SYNTAX');
    expect(err.line).toBe(3);
    expect(err.detail).toContain(contains);
  });

  it('refuses from= on an ssh mount as unsupported (BuildKit ignores it), naming the line', () => {
    const err = parseError('FROM a\nRUN --mount=type=ssh,from=a git clone x\n');
    expect(err.code).toBe('TSB_DOCKERFILE_UNSUPPORTED');
    expect(err.line).toBe(2);
    expect(err.detail).toContain('from is not supported on ssh mounts');
  });

  it('defers checks of a value with a variable to the builder', () => {
    const df = parseDockerfile('FROM a\nRUN --mount=type=$T,target=/x,mode=$M make\n', 'Dockerfile', ON);
    expect(df.stages[0]?.instructions[0]).toMatchObject({ mounts: ['type=$T,target=/x,mode=$M'] });
  });

  it.each([
    ['--network=bridge', 'network mode "bridge" not supported'],
    ['--security=privileged', 'security mode "privileged" not supported'],
    ['--device=/dev/fuse', 'RUN --device is not supported yet'],
  ])('%s', (flag, contains) => {
    expect(parseError(`FROM a\nRUN ${flag} true\n`).detail).toContain(contains);
  });

  it('types an inherited ONBUILD trigger with the same features', () => {
    const trigger = 'RUN --mount=type=cache,target=/c --network=none make';
    expect(parseTrigger(trigger, LOC, ON)).toMatchObject({ mounts: ['type=cache,target=/c'], network: 'none' });
    expect(() => parseTrigger(trigger, LOC)).toThrow('Dockerfile:7: RUN --mount is not supported yet');
  });

  it('turns each flag on separately', () => {
    const opts: ParseOptions = { features: { runNetwork: true } };
    expect(parseDockerfile('FROM a\nRUN --network=none true\n', 'Dockerfile', opts).stages[0]?.instructions[0]).toMatchObject({ network: 'none' });
    expect(parseError('FROM a\nRUN --mount=target=/x true\n', opts).detail).toBe('RUN --mount is not supported yet');
    expect(parseError('FROM a\nCOPY --parents a /b\n', { features: { copyLink: true } }).detail).toBe('COPY --parents is not supported yet');
  });
});

describe('# check= directive', () => {
  const checks = (value: string) => parseDockerfile(`# check=${value}\nFROM a\n`, 'Dockerfile', ON).directives.checks;

  it.each([
    ['skip=all', { skip: ['all'], error: false, experimental: [] }],
    ['skip=A, B ;error=true', { skip: ['A', 'B'], error: true, experimental: [] }],
    ['error=1;skip=JSONArgsRecommended;experimental=all', { skip: ['JSONArgsRecommended'], error: true, experimental: ['all'] }],
    ['error=false', { skip: [], error: false, experimental: [] }],
  ])('%s', (value, expected) => {
    expect(checks(value)).toEqual(expected);
  });

  it.each([
    ['skip', 'invalid check option "skip"'],
    ['skip=A;warn=true', 'invalid check option "warn"'],
    ['error=yes', 'failed to parse check option "error=yes"'],
  ])('%s is an error at the directive', (value, contains) => {
    const err = parseError(`# syntax=docker/dockerfile:1\n# check=${value}\nFROM a\n`);
    expect(err.line).toBe(2);
    expect(err.detail).toContain(contains);
  });

  it('stays a raw string without the feature', () => {
    const df = parseDockerfile('# check=error=yes\nFROM a\n');
    expect(df.directives).toEqual({ escape: '\\', check: 'error=yes' });
  });
});
