/**
 * The SHA-2 constants of FIPS 180-4 sections 4.2 and 5.3, as 32-bit halves `[high, low, high, low, ...]`:
 * `k` holds the first 64 fractional bits of the cube roots of the first 80 primes, `iv` those of the
 * square roots of the first 8 primes (SHA-512's initial value). SHA-256 uses the high halves of both.
 */
export interface Sha2Constants {
  /** The 80 round constants of SHA-512; the first 64 high halves are SHA-256's. */
  readonly k: Int32Array;
  /** SHA-512's initial hash value; its high halves are SHA-256's. */
  readonly iv: Int32Array;
}

let constants: Sha2Constants | undefined;

/** The SHA-2 constants, computed on first use: a few hundred bytes of code instead of 1.3 KB of table. */
export function sha2Constants(): Sha2Constants {
  if (constants) return constants;
  const primes: number[] = [];
  for (let n = 2; primes.length < 80; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  constants = { k: fractions(primes, 3), iv: fractions(primes.slice(0, 8), 2) };
  return constants;
}

/** The first 64 fractional bits of the `degree`-th roots of `values`, as 32-bit halves. */
function fractions(values: number[], degree: 2 | 3): Int32Array {
  const out = new Int32Array(values.length * 2);
  const d = BigInt(degree);
  values.forEach((value, i) => {
    // floor(root(value * 2^(64 * degree))) = root(value) with 64 fractional bits. Integer Newton
    // steps from above decrease to exactly that floor; the float estimate starts close.
    const n = BigInt(value) << (64n * d);
    let x = BigInt(Math.floor(value ** (1 / degree) * 2 ** 32) + 1) << 32n;
    for (;;) {
      const next = ((d - 1n) * x + n / x ** (d - 1n)) / d;
      if (next >= x) break;
      x = next;
    }
    out[i * 2] = Number((x >> 32n) & 0xffffffffn);
    out[i * 2 + 1] = Number(x & 0xffffffffn);
  });
  return out;
}
