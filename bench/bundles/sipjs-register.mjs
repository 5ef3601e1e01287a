/** SIP.js 0.21: just `UserAgent` and `Registerer`, as a register-only app imports them. */
export { Registerer, UserAgent } from 'sip.js';
