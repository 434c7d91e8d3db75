// The network allow-list, deny by default: a guest reaches no host and port it was not
// granted (`--allow-net HOST[:PORT]`, `allowNet` in the library). One list governs TCP, UDP,
// name lookups and outgoing HTTP, as Deno's --allow-net does. An entry is a host name or an IP
// address (`[v6]` in brackets when a port follows), with a port or without (any port):
//
// - connecting (TCP), sending (UDP) and HTTP requests need the peer granted;
// - a UDP socket only hears datagrams from granted peers;
// - listening needs the local address and port granted (`0.0.0.0` or `::` for all
//   interfaces; a port of 0 asks for an entry without a port);
// - binding for outgoing use to an ephemeral port (port 0) is always allowed: it is what an
//   implicit bind does, and the socket can then only reach granted peers;
// - a name may be looked up if it is granted (with any port).
//
// Host-name entries match IP addresses through what those names resolve to: the platform
// adapter resolves them before the guest runs, and a lookup the guest makes adds its answers.
import { canonicalIp } from './address.ts';

interface Grant {
  /** A lower-case host name or a canonical IP address. */
  readonly host: string;
  readonly port: number | undefined;
  readonly isIp: boolean;
}

/** `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6 address. */
export function parseGrant(spec: string): Grant {
  let host: string;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (bracket !== null) {
    host = bracket[1];
    port = bracket[2] === undefined ? undefined : Number(bracket[2]);
  } else if ((spec.match(/:/g) ?? []).length > 1) {
    host = spec; // a bare IPv6 address takes no port
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(spec);
    if (m === null) throw new Error(`--allow-net: expected HOST[:PORT], got ${JSON.stringify(spec)}`);
    host = m[1];
    port = m[2] === undefined ? undefined : Number(m[2]);
  }
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`--allow-net: port out of range in ${JSON.stringify(spec)}`);
  const ip = canonicalIp(host);
  if (ip === undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) {
    throw new Error(`--allow-net: not a host name or IP address: ${JSON.stringify(host)}`);
  }
  return { host: ip ?? host.toLowerCase(), port, isIp: ip !== undefined };
}

export class NetPolicy {
  readonly #grants: readonly Grant[];
  /** Canonical IPs each granted host name resolves to. */
  readonly #resolved = new Map<string, Set<string>>();

  constructor(specs: readonly string[] = []) {
    this.#grants = specs.map(parseGrant);
  }

  /** Whether nothing is granted (no socket or request can reach anything). */
  get empty(): boolean {
    return this.#grants.length === 0;
  }

  /** The host names granted, for the platform adapter to resolve. */
  hostNames(): string[] {
    return [...new Set(this.#grants.filter((g) => !g.isIp).map((g) => g.host))];
  }

  /** Records what a granted name resolves to (any textual IPs; others are ignored). */
  addResolved(name: string, ips: readonly string[]): void {
    const key = name.toLowerCase();
    let set = this.#resolved.get(key);
    if (set === undefined) this.#resolved.set(key, set = new Set());
    for (const ip of ips) {
      const c = canonicalIp(ip);
      if (c !== undefined) set.add(c);
    }
  }

  #matchesIp(g: Grant, ip: string): boolean {
    return g.isIp ? g.host === ip : this.#resolved.get(g.host)?.has(ip) === true;
  }

  /** May the guest talk to `ip` (canonical) at `port`? */
  allowsPeer(ip: string, port: number): boolean {
    return this.#grants.some((g) => (g.port === undefined || g.port === port) && this.#matchesIp(g, ip));
  }

  /** May the guest listen on `ip` (canonical) at `port` (0: a port the system picks)? */
  allowsListen(ip: string, port: number): boolean {
    return this.#grants.some((g) => (port === 0 ? g.port === undefined : g.port === undefined || g.port === port) && this.#matchesIp(g, ip));
  }

  /** May the guest bind `ip` (canonical) at `port`: ephemeral ports always, others as for listening. */
  allowsBind(ip: string, port: number): boolean {
    return port === 0 || this.allowsListen(ip, port);
  }

  /** May the guest look up `name`, or (with a port) send an HTTP request to it? */
  allowsName(name: string, port?: number): boolean {
    const ip = canonicalIp(name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name);
    const key = ip ?? name.toLowerCase();
    return this.#grants.some((g) => (port === undefined || g.port === undefined || g.port === port) &&
      (g.host === key || (ip !== undefined && this.#matchesIp(g, ip))));
  }
}
