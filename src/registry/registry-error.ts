/**
 * A failed registry request as data (after go-containerregistry's `transport.Error`): where it
 * went, what came back, what the registry said, and whether trying again may help.
 */
import { type ErrorCode, TsbuildError, type TsbuildErrorOptions } from '../oci/index.js';

/** One entry of a distribution API error body (`{"errors":[{code,message,detail}]}`). */
export interface RegistryDiagnostic {
  readonly code: string;
  readonly message: string;
}

/** What a RegistryError knows about the failed request. */
export interface RegistryErrorInit {
  readonly code?: ErrorCode;
  readonly registry: string;
  readonly repository: string;
  readonly method: string;
  /** Already redacted (see `redactUrl`). */
  readonly url: string;
  readonly status?: number;
  readonly diagnostics?: readonly RegistryDiagnostic[];
  readonly temporary?: boolean;
}

/** A registry request failed; `temporary` drives retries. */
export class RegistryError extends TsbuildError {
  readonly registry: string;
  readonly repository: string;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly diagnostics: readonly RegistryDiagnostic[];
  readonly temporary: boolean;

  constructor(init: RegistryErrorInit, message: string, options: TsbuildErrorOptions = {}) {
    super(init.code ?? 'TSB_REGISTRY', message, options);
    this.registry = init.registry;
    this.repository = init.repository;
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.diagnostics = init.diagnostics ?? [];
    this.temporary = init.temporary ?? false;
  }
}
