/** Stable codes carried by {@link TransactionError}. */
export type TransactionErrorCode = 'TIMEOUT' | 'TRANSPORT' | 'INVALID_STATE' | 'INVALID_REQUEST';

/** Base class of every error the transaction layer reports. */
export class TransactionError extends Error {
  /** `'TransactionError'` here; each subclass sets its own class name. */
  override readonly name: string = 'TransactionError';
  constructor(
    /** Stable machine-readable reason. */
    readonly code: TransactionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Timer B or F fired (client) or Timer H fired (INVITE server, no ACK). Reported as 408 to the TU. */
export class TransactionTimeoutError extends TransactionError {
  /** Always `'TransactionTimeoutError'`. */
  override readonly name = 'TransactionTimeoutError';
  constructor(
    message: string,
    /** Which RFC 3261 timer expired. */
    readonly timer: 'B' | 'F' | 'H',
  ) {
    super('TIMEOUT', message);
  }
}

/** The transport refused to send. Reported as 503 to the TU (RFC 3261 section 17.1.4). */
export class TransactionTransportError extends TransactionError {
  /** Always `'TransactionTransportError'`. */
  override readonly name = 'TransactionTransportError';
  constructor(message: string, cause?: unknown) {
    super('TRANSPORT', message, { cause });
  }
}
