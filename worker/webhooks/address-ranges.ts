/**
 * Where a webhook may not go: the IANA special-purpose address registries for IPv4 and IPv6
 * (https://www.iana.org/assignments/iana-ipv4-special-registry, …/iana-ipv6-special-registry),
 * except the few entries that are globally reachable services no receiver runs on (AS112, AMT).
 * Addresses that wrap an IPv4 address are refused whole (NAT64, 6to4, Teredo, IPv4-compatible),
 * since the wrapped address may be anything; only IPv4-mapped ones are judged by what they map.
 *
 * @example
 * blockedAddress("169.254.169.254") // "link-local (169.254.0.0/16)"
 * blockedAddress("[::ffff:8.8.8.8]") // null
 */

type Range = { bits: number; prefix: bigint; length: number; name: string };

const V4: [string, string][] = [
  ["0.0.0.0/8", "\"this network\""],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared address space (carrier-grade NAT)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation (TEST-NET-1)"],
  ["192.88.99.0/24", "6to4 relay anycast"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation (TEST-NET-2)"],
  ["203.0.113.0/24", "documentation (TEST-NET-3)"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "limited broadcast"],
  ["240.0.0.0/4", "reserved"],
];

const V6: [string, string][] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::/96", "IPv4-compatible (deprecated)"],
  ["64:ff9b::/96", "NAT64"],
  ["64:ff9b:1::/48", "local-use NAT64"],
  ["100::/64", "discard-only"],
  ["100:0:0:1::/64", "dummy prefix"],
  ["2001::/32", "Teredo"],
  ["2001::/23", "IETF protocol assignments"],
  ["2001:db8::/32", "documentation"],
  ["2002::/16", "6to4"],
  ["3fff::/20", "documentation"],
  ["5f00::/16", "segment routing (SRv6) SIDs"],
  ["fc00::/7", "unique local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local (deprecated)"],
  ["ff00::/8", "multicast"],
];

/** 128-bit IPv4-mapped prefix ::ffff:0:0/96: the address is the IPv4 one it maps. */
const MAPPED_PREFIX = 0xffffn << 32n;
/** Everything outside 2000::/3 is reserved by the IETF or listed above: not a public host. */
const GLOBAL_UNICAST = { prefix: 1n, length: 3 };

/** An IPv4 address in dotted decimal, as URL parsing and DNS answers write it; null if it is not one. */
export function parseIPv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/** An IPv6 address in any RFC 4291 text form (with `::` and a dotted IPv4 tail); null if it is not one. */
export function parseIPv6(text: string): bigint | null {
  let s = text.toLowerCase();
  const tail = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v4 = parseIPv4(tail[1]!);
    if (v4 === null) return null;
    s = `${s.slice(0, s.length - tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string | undefined) => (h ? h.split(":") : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
}

function compile(bits: number, table: [string, string][], parse: (t: string) => bigint | null): Range[] {
  return table.map(([cidr, name]) => {
    const [base, len] = cidr.split("/") as [string, string];
    const length = Number(len);
    const value = parse(base);
    if (value === null) throw new Error(`bad range ${cidr}`);
    return { bits, prefix: value >> BigInt(bits - length), length, name: `${name} (${cidr})` };
  });
}

const V4_RANGES = compile(32, V4, parseIPv4);
const V6_RANGES = compile(128, V6, parseIPv6);

const within = (value: bigint, r: Pick<Range, "bits" | "prefix" | "length">) => value >> BigInt(r.bits - r.length) === r.prefix;

function blockedV4(value: bigint): string | null {
  return V4_RANGES.find((r) => within(value, r))?.name ?? null;
}

function blockedV6(value: bigint): string | null {
  if (value >> 32n === MAPPED_PREFIX >> 32n) {
    const mapped = blockedV4(value & 0xffffffffn);
    return mapped && `IPv4-mapped ${mapped}`;
  }
  const named = V6_RANGES.find((r) => within(value, r));
  if (named) return named.name;
  return within(value, { bits: 128, ...GLOBAL_UNICAST }) ? null : "reserved (outside 2000::/3)";
}

/**
 * Why an IP address is no place for a webhook, or null if it is a public one. Takes IPv4 in dotted
 * decimal and IPv6 with or without brackets; anything else is not an address and is refused too.
 */
export function blockedAddress(address: string): string | null {
  const v4 = parseIPv4(address);
  if (v4 !== null) return blockedV4(v4);
  const v6 = parseIPv6(address.replace(/^\[(.*)\]$/, "$1"));
  if (v6 !== null) return blockedV6(v6);
  return "not an IP address";
}

/** Whether a URL's hostname (as `new URL` writes it) is an IP address rather than a name. */
export function isAddressLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || parseIPv4(hostname) !== null;
}
