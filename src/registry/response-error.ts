/**
 * Turns a failed response into a RegistryError carrying the registry's own diagnostics
 * (`errors[].code/message`). Bodies are read with a size cap: a misbehaving server or a storage
 * backend's HTML page must not fill memory.
 */
import type { Readable } from 'node:stream';
import type { ErrorCode } from '../oci/index.js';
import { RegistryError, type RegistryDiagnostic } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import type { TransportRequest, TransportResponse } from './transport.js';

const ERROR_BODY_CAP = 64 * 1024;

/** Reads at most `cap` bytes of a body; `undefined` when it was longer (the rest is dropped). */
export async function readCapped(body: Readable | null, cap: number): Promise<Buffer | undefined> {
  if (body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > cap) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** The `errors` array of a distribution error body, or nothing when the body is something else. */
export function parseDiagnostics(text: string): RegistryDiagnostic[] {
  try {
    const parsed: unknown = JSON.parse(text);
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ code: String(e['code'] ?? 'UNKNOWN'), message: String(e['message'] ?? '') }));
  } catch {
    return [];
  }
}

/** 5xx (but not 501 Not Implemented) and 429 may succeed when tried again. */
export function isTemporaryStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Consumes the response body and builds the error for a request that got an unexpected status. */
export async function errorFromResponse(
  req: TransportRequest,
  res: TransportResponse,
  options: { code?: ErrorCode; detail?: string; temporary?: boolean } = {},
): Promise<RegistryError> {
  const body = await readCapped(res.body, ERROR_BODY_CAP).catch(() => undefined);
  const diagnostics = body ? parseDiagnostics(body.toString('utf8')) : [];
  const url = redactUrl(res.url);
  const said = diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ');
  const parts = [
    `${req.method} ${url}: ${res.status} ${res.statusText}`.trim(),
    said,
    options.detail ?? '',
  ].filter((p) => p !== '');
  return new RegistryError(
    {
      ...(options.code ? { code: options.code } : {}),
      registry: req.target.registry,
      repository: req.target.repository,
      method: req.method,
      url,
      status: res.status,
      diagnostics,
      temporary: options.temporary ?? isTemporaryStatus(res.status),
    },
    parts.join(': '),
  );
}
