/** IPv4 CIDR arithmetic for the network checks: the first and last address of a block, as numbers. */

function range(cidr: string): [number, number] {
  const [base, bits] = cidr.split("/");
  const start = base.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const first = start - (start % size);
  return [first, first + size - 1];
}

/** Whether two IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** Whether every address of `inner` is inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [o0, o1] = range(outer);
  const [i0, i1] = range(inner);
  return o0 <= i0 && i1 <= o1;
}
