/**
 * Docker credential helpers (`credHelpers`, `credsStore`): `docker-credential-<name> get` reads
 * the server URL on stdin and prints `{"ServerURL","Username","Secret"}`. A `Username` of
 * `<token>` means `Secret` is an identity (refresh) token.
 */
import { spawn } from 'node:child_process';
import { TsbuildError } from '../oci/index.js';

const HELPER_TIMEOUT_MS = 30_000;
const NOT_FOUND = /credentials not found/i;

/** What a helper returned for one server. */
export interface HelperCredential {
  readonly username: string;
  readonly secret: string;
}

function run(program: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: HELPER_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A helper that exits without reading stdin makes this write fail with EPIPE; its exit status says more.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Asks helper `name` for `serverUrl`; `undefined` when it has nothing stored for it. */
export async function getFromHelper(name: string, serverUrl: string, configPath: string): Promise<HelperCredential | undefined> {
  const program = `docker-credential-${name}`;
  let result;
  try {
    result = await run(program, serverUrl);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TsbuildError(
      'TSB_CREDENTIALS',
      missing
        ? `credential helper ${program} (configured in ${configPath}) is not installed or not on PATH`
        : `credential helper ${program} (configured in ${configPath}) could not be run: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (result.code !== 0) {
    if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return undefined;
    const said = (result.stderr || result.stdout).trim().slice(0, 500);
    throw new TsbuildError('TSB_CREDENTIALS', `credential helper ${program} failed for ${serverUrl} (exit ${result.code}): ${said}`);
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new TsbuildError('TSB_CREDENTIALS', `credential helper ${program} printed something that is not JSON for ${serverUrl}`);
  }
  if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined;
  return { username: typeof parsed.Username === 'string' ? parsed.Username : '', secret: parsed.Secret };
}
