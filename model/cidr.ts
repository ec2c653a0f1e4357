/** CIDR checks and IPv4 arithmetic for the network checks, shared by every CIDR field of the config. */
import { z } from "zod";

// zod's own CIDR formats (z.cidrv4, z.cidrv6; https://zod.dev/api, "IP blocks (CIDR)"): no hand-written parsing.
const IPV4_CIDR = z.cidrv4();
const IPV6_CIDR = z.cidrv6();

export function isIpv4Cidr(c: unknown): c is string {
  return typeof c === "string" && IPV4_CIDR.safeParse(c).success;
}

export function isIpv6Cidr(c: unknown): c is string {
  return typeof c === "string" && IPV6_CIDR.safeParse(c).success;
}

/** The first and last address of an IPv4 block, as numbers. */
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

function ipv6ToBigInt(address: string): bigint {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
  const groups = [...Array(8)].map((_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.start < 0) return groups.join(":");
  return `${groups.slice(0, best.start).join(":")}::${groups.slice(best.start + best.length).join(":")}`;
}

/** The network address of a CIDR (IPv4, or IPv6 with ":"): its host bits cleared. */
export function networkOf(cidr: string): string {
  const [base, bits] = cidr.split("/");
  if (base.includes(":")) {
    const hostBits = BigInt(128 - Number(bits));
    return `${bigIntToIpv6((ipv6ToBigInt(base) >> hostBits) << hostBits)}/${bits}`;
  }
  const [first] = range(cidr);
  return `${[24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".")}/${bits}`;
}

/**
 * Why a well-formed CIDR is no network address, or undefined when it is one. The AWS provider
 * refuses host bits at plan time (aws_vpc: "expected 10.50.0.0/16"; aws_route and security group
 * rules likewise), so the config check does it first.
 */
export function hostBitsIssue(cidr: string): string | undefined {
  const network = networkOf(cidr);
  const same = cidr.includes(":")
    ? ipv6ToBigInt(cidr.split("/")[0]) === ipv6ToBigInt(network.split("/")[0])
    : network === cidr;
  return same ? undefined : `${cidr} has host bits set; the network is ${network}`;
}

/** The shared refinement of every CIDR field: a well-formed CIDR must be a network address. */
export function refineNetworkAddress(c: string, ctx: z.RefinementCtx): void {
  if (!isIpv4Cidr(c) && !isIpv6Cidr(c)) return; // the format check reports it
  const message = hostBitsIssue(c);
  if (message !== undefined) ctx.addIssue({ code: "custom", message });
}
