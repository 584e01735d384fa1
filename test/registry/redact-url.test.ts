import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/registry/index.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:pw@r.io/v2/', 'https://REDACTED@r.io/v2/'],
    ['https://s3.example/blob?X-Amz-Signature=abc&X-Amz-Credential=k', 'https://s3.example/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED'],
    ['http://r.io/v2/a/blobs/uploads/1?_state=s3cr3t&digest=sha256%3Aab', 'http://r.io/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256%3Aab'],
    ['https://auth.io/token?service=r&scope=repository%3Aa%3Apull&account=alice', 'https://auth.io/token?service=r&scope=repository%3Aa%3Apull&account=REDACTED'],
    ['https://r.io/v2/a/blobs/uploads/?mount=sha256%3Aab&from=b', 'https://r.io/v2/a/blobs/uploads/?mount=sha256%3Aab&from=b'],
    ['not a url', '<unparseable url>'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
