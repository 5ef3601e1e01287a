import type { StackMember } from './stack-base.js';

/**
 * Members by a key (a Contact user, an address-of-record, an Asterisk `line`): one member, or a
 * list in attach order when several share the key. The first attached takes the key's requests.
 */
export type MemberIndex = Map<string, StackMember | StackMember[]>;

/** Adds `member` under `key`; false when it was there already. */
export function addMember(index: MemberIndex, key: string, member: StackMember): boolean {
  const current = index.get(key);
  if (current === undefined) index.set(key, member);
  else if (Array.isArray(current)) {
    if (current.includes(member)) return false;
    current.push(member);
  } else if (current !== member) index.set(key, [current, member]);
  else return false;
  return true;
}

/** Removes `member` from under `key`; false when it was not there. */
export function removeMember(index: MemberIndex, key: string, member: StackMember): boolean {
  const current = index.get(key);
  if (current === member) {
    index.delete(key);
    return true;
  }
  if (!Array.isArray(current)) return false;
  const i = current.indexOf(member);
  if (i < 0) return false;
  current.splice(i, 1);
  if (current.length === 1) index.set(key, current[0]!);
  return true;
}

/** The member that takes requests for `key`: the first attached of those under it. */
export function firstMember(index: MemberIndex, key: string): StackMember | undefined {
  const found = index.get(key);
  return Array.isArray(found) ? found[0] : found;
}
