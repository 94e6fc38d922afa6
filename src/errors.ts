// The error vocabulary: each class maps once to an HTTP status (http/errors.ts) and a CLI exit.

export class SpurError extends Error {
  readonly status: number = 500;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Untrusted input failed the validation gate. */
export class InvalidInput extends SpurError {
  override readonly status = 400;
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** Several fields of one form failed the gate; `fields` maps each field's name to its reason. */
export class InvalidFields extends SpurError {
  override readonly status = 400;
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join('; '));
  }
}

/** A Compose file Spur does not run: every problem, each with its line. */
export class InvalidCompose extends SpurError {
  override readonly status = 400;
  constructor(readonly problems: { line: number | null; path: string; message: string }[]) {
    super(`the Compose file is refused: ${problems.map((p) => `${p.line === null ? '' : `line ${p.line}: `}${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ')}`);
  }
}

export class NotFound extends SpurError {
  override readonly status = 404;
}

export class Conflict extends SpurError {
  override readonly status = 409;
}

export class Unauthorized extends SpurError {
  override readonly status = 401;
}

export class Forbidden extends SpurError {
  override readonly status = 403;
}

export class PayloadTooLarge extends SpurError {
  override readonly status = 413;
}

export class TooManyRequests extends SpurError {
  override readonly status = 429;
}

/** The repository's contents cannot be built as they are (e.g. nothing Spur recognises). */
export class Unbuildable extends SpurError {
  override readonly status = 422;
}

/** A remote Spur depends on (a git host) did not give what was asked. */
export class UpstreamFailed extends SpurError {
  override readonly status = 502;
}

/** The Docker engine is absent, unreachable or refused an operation. */
export class DockerUnavailable extends SpurError {
  override readonly status = 503;
}

/** An error (or text) as one line of at most 500 characters: for records and messages shown in lists. */
export const oneLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 500);

/** Not an error: a change held back in a protected environment, now a request that waits for an
 *  admin (actions/requests.ts). Every door answers it as accepted (202) with the request. */
export class Requested extends SpurError {
  override readonly status = 202;
  constructor(message: string, readonly request: unknown) {
    super(message);
  }
}
