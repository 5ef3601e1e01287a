import { BRANCH_COOKIE } from '@sipkit/parser';
import type { RandomSource } from '@sipkit/transport';

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * A new RFC 3261 branch: the magic cookie plus 80 random bits, unique across space and time
 * (section 8.1.1.7) without any coordination.
 */
export function generateBranch(random: RandomSource): string {
  return BRANCH_COOKIE + hex(random(10));
}

/** A new From/To tag with 64 random bits (RFC 3261 section 19.3 asks for at least 32). */
export function generateTag(random: RandomSource): string {
  return hex(random(8));
}
