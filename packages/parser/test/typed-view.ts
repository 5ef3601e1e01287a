import { NameAddr, SipUri, Via } from '../src/index.js';

/**
 * A typed header value as plain data for comparing two ways of reading it: the getters first
 * (answered from a parameter list not read yet), then the list and the serialised text.
 */
export function view(v: unknown): unknown {
  if (v instanceof NameAddr) {
    const getters = {
      tag: v.tag,
      expires: v.expires,
      q: v.q,
      instance: v.instance,
      regId: v.regId,
      pubGruu: v.pubGruu,
      tempGruu: v.tempGruu,
    };
    return {
      ...getters,
      displayName: v.displayName,
      uri: view(v.uri),
      params: [...v.params],
      text: String(v),
    };
  }
  if (v instanceof SipUri) {
    const getters = { transport: v.transport, lr: v.params.get('LR'), maddr: v.params.has('maddr') };
    return {
      ...getters,
      scheme: v.scheme,
      user: v.user,
      host: v.host,
      port: v.port,
      params: [...v.params],
      headers: [...v.headers],
      text: String(v),
    };
  }
  if (v instanceof Via) {
    const getters = { branch: v.branch, rport: v.rport, received: v.received, ttl: v.ttl, maddr: v.maddr };
    return {
      ...getters,
      transport: v.transport,
      host: v.host,
      port: v.port,
      params: [...v.params],
      text: String(v),
    };
  }
  return typeof v === 'object' && v !== null ? { ...v } : v;
}
