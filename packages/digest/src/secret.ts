/** The key Node's `util.inspect` (and so `console.log`) looks up for a custom rendering. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');
