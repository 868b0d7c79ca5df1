/**
 * Parses the client addresses Cloudflare reports, so limits count per person-sized network rather
 * than per literal string: one IPv6 host owns a whole /64 and can rotate through it freely, and
 * `::ffff:1.2.3.4` is the IPv4 host 1.2.3.4 whatever spelling reached us.
 */
export type IpAddress = { version: 4; octets: number[] } | { version: 6; hextets: number[] };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

function parseIpv4(text: string): number[] | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  // A leading zero ("010") is octal to some parsers and decimal to others: refuse the ambiguity.
  if (octets.some((o, i) => o > 255 || (match[i + 1]!.length > 1 && match[i + 1]!.startsWith("0")))) return null;
  return octets;
}

function parseHextets(groups: string[]): number[] | null {
  const out: number[] = [];
  for (const [i, group] of groups.entries()) {
    const v4 = i === groups.length - 1 && group.includes(".") ? parseIpv4(group) : null;
    if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    else if (HEXTET.test(group)) out.push(parseInt(group, 16));
    else return null;
  }
  return out;
}

function parseIpv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  const head = parseHextets(split(halves[0]!));
  const tail = halves.length === 2 ? parseHextets(split(halves[1]!)) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  // "::" stands for at least one zero group.
  const zeros = 8 - head.length - tail.length;
  return zeros >= 1 ? [...head, ...Array<number>(zeros).fill(0), ...tail] : null;
}

/**
 * @example
 * parseIp("::ffff:192.0.2.1"); // { version: 4, octets: [192, 0, 2, 1] }
 * parseIp("not an address");   // null
 */
export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  const octets = parseIpv4(trimmed);
  if (octets) return { version: 4, octets };
  const hextets = trimmed.includes(":") ? parseIpv6(trimmed) : null;
  if (!hextets) return null;
  const mapped = hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff;
  if (mapped) return { version: 4, octets: [hextets[6]! >> 8, hextets[6]! & 0xff, hextets[7]! >> 8, hextets[7]! & 0xff] };
  return { version: 6, hextets };
}

/** The first `bits` of the address (a multiple of 8 for IPv4, of 16 for IPv6) in CIDR notation. */
export function networkOf(ip: IpAddress, bits: number): string {
  if (ip.version === 4) {
    const kept = ip.octets.map((o, i) => (i < bits / 8 ? o : 0));
    return bits >= 32 ? kept.join(".") : `${kept.join(".")}/${bits}`;
  }
  const kept = ip.hextets.slice(0, bits / 16).map((h) => h.toString(16));
  return `${kept.join(":")}::/${bits}`;
}
