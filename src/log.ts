// Structured one-line logging to stderr; tests pass a silent logger.

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function write(level: string, msg: string, fields?: Record<string, unknown>): void {
  const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
  process.stderr.write(`${new Date().toISOString()} ${level} ${msg}${extra}\n`);
}

export const consoleLog: Log = {
  info: (m, f) => write('INFO', m, f),
  warn: (m, f) => write('WARN', m, f),
  error: (m, f) => write('ERROR', m, f),
};

export const silentLog: Log = { info() {}, warn() {}, error() {} };
