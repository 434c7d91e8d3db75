// IP addresses of wasi:sockets/network
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/network.wit) in the
// runtime's value shapes (tuples as arrays, variants as `{ tag, val }`), and the host's own
// form of a socket address: the family, the address as canonical text, the port.

export type Ipv4Address = readonly [number, number, number, number];
export type Ipv6Address = readonly [number, number, number, number, number, number, number, number];
export type IpAddress = { readonly tag: 'ipv4'; readonly val: Ipv4Address } | { readonly tag: 'ipv6'; readonly val: Ipv6Address };
export type IpAddressFamily = 'ipv4' | 'ipv6';

export interface Ipv4SocketAddress { readonly port: number; readonly address: Ipv4Address }
export interface Ipv6SocketAddress {
  readonly port: number;
  readonly 'flow-info': number;
  readonly address: Ipv6Address;
  readonly 'scope-id': number;
}
export type IpSocketAddress =
  | { readonly tag: 'ipv4'; readonly val: Ipv4SocketAddress }
  | { readonly tag: 'ipv6'; readonly val: Ipv6SocketAddress };

/** A socket address as the host's network code takes it. */
export interface HostAddress {
  readonly family: IpAddressFamily;
  /** Canonical text: dotted quad, or eight lower-case hex groups without `::` (see `ipText`). */
  readonly ip: string;
  readonly port: number;
  readonly flowInfo: number;
  readonly scopeId: number;
}

/** Canonical text of an address: one spelling per address, so allow-lists compare strings. */
export function ipText(ip: IpAddress): string {
  return ip.tag === 'ipv4' ? ip.val.join('.') : ip.val.map((g) => g.toString(16)).join(':');
}

/** The address in `text` (dotted quad; IPv6 with `::` and a trailing dotted quad), or undefined. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { tag: 'ipv4', val: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { tag: 'ipv6', val: v6 };
}

function parseIpv4(text: string): Ipv4Address | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out as unknown as Ipv4Address;
}

function parseIpv6(text: string): Ipv6Address | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const groups: number[] = [];
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const items = half.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIpv4(it);
        if (v4 === undefined) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) {
    if (head.length !== 8) return undefined;
    groups.push(...head);
  } else {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups.push(...head, ...new Array<number>(fill).fill(0), ...tail);
  }
  return groups as unknown as Ipv6Address;
}

/** The canonical text of an address written any way (`::1`, `127.0.0.1`), or undefined. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : ipText(ip);
}

export function hostAddress(a: IpSocketAddress): HostAddress {
  if (a.tag === 'ipv4') return { family: 'ipv4', ip: ipText({ tag: 'ipv4', val: a.val.address }), port: a.val.port, flowInfo: 0, scopeId: 0 };
  return {
    family: 'ipv6', ip: ipText({ tag: 'ipv6', val: a.val.address }), port: a.val.port,
    flowInfo: a.val['flow-info'], scopeId: a.val['scope-id'],
  };
}

/** A host address (any textual form of the IP) as the WIT value; undefined if it is not an IP. */
export function socketAddressOf(family: IpAddressFamily, ip: string, port: number, flowInfo = 0, scopeId = 0): IpSocketAddress | undefined {
  const parsed = parseIp(ip);
  if (parsed === undefined) return undefined;
  if (family === 'ipv6' && parsed.tag === 'ipv4') {
    // An IPv4 peer of a dual-stack IPv6 socket: the IPv4-mapped form.
    const v = parsed.val;
    return { tag: 'ipv6', val: { port, 'flow-info': flowInfo, address: [0, 0, 0, 0, 0, 0xffff, (v[0] << 8) | v[1], (v[2] << 8) | v[3]], 'scope-id': scopeId } };
  }
  if (parsed.tag === 'ipv4') return { tag: 'ipv4', val: { port, address: parsed.val } };
  return { tag: 'ipv6', val: { port, 'flow-info': flowInfo, address: parsed.val, 'scope-id': scopeId } };
}

export function isUnspecified(a: HostAddress): boolean {
  return a.ip === '0.0.0.0' || a.ip === '0:0:0:0:0:0:0:0';
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), which the WIT refuses for bind and connect. */
export function isIpv4Mapped(a: IpSocketAddress): boolean {
  if (a.tag !== 'ipv6') return false;
  const g = a.val.address;
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

/** Multicast or broadcast: not a unicast address (the WIT refuses it as a peer). */
export function isNonUnicast(a: IpSocketAddress): boolean {
  if (a.tag === 'ipv4') {
    const b = a.val.address;
    return (b[0] >= 224 && b[0] <= 239) || (b[0] === 255 && b[1] === 255 && b[2] === 255 && b[3] === 255);
  }
  return (a.val.address[0] & 0xff00) === 0xff00;
}
