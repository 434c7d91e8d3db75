// wasi:sockets/ip-name-lookup@0.3.0
// (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/sockets/wit/ip-name-lookup.wit):
// `resolve-addresses` is an `async func` whose answer is the whole list. Names are looked up
// only if granted (the 0.2 host's allow-list, ../../p2/sockets/policy.ts): 0.3 has a code for
// the refusal, `access-denied` (0.2 answered `permanent-resolver-failure`, as wasmtime). An IP
// address needs no lookup and is its own answer. The addresses a granted name resolves to
// become reachable under that name's grant. The WIT's promises are kept: never an empty list
// (`name-unresolvable` instead), never an IPv4-mapped IPv6 address (the IPv4 address instead).
import type { IpAddress } from '../../p2/sockets/address.ts';
import { isHostName, literalAddress, lookupGranted } from '../../p2/sockets/ip-name-lookup.ts';
import type { NetContext } from './context.ts';
import { failLookup, lookupErrorOf } from './error-code.ts';

/** `::ffff:a.b.c.d` as `a.b.c.d`; any other address as it is. */
function unmapped(ip: IpAddress): IpAddress {
  if (ip.tag !== 'ipv6') return ip;
  const g = ip.val;
  if (g[0] !== 0 || g[1] !== 0 || g[2] !== 0 || g[3] !== 0 || g[4] !== 0 || g[5] !== 0xffff) return ip;
  return { tag: 'ipv4', val: [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff] };
}

/** `wasi:sockets/ip-name-lookup` */
export function ipNameLookup(cx: NetContext) {
  return {
    'resolve-addresses': async (name: string): Promise<IpAddress[]> => {
      const literal = literalAddress(name);
      if (literal !== undefined) return [unmapped(literal)];
      if (!isHostName(name)) failLookup('invalid-argument');
      if (!cx.policy.allowsName(name)) failLookup('access-denied');
      if (cx.backend === undefined) failLookup({ tag: 'other', val: 'this platform has no name lookups' });
      let found: IpAddress[];
      try {
        found = await lookupGranted(cx.policy, cx.backend, name);
      } catch (e) {
        failLookup(lookupErrorOf(e));
      }
      const out: IpAddress[] = [];
      const seen = new Set<string>();
      for (const ip of found.map(unmapped)) {
        const key = `${ip.tag}:${ip.val.join(',')}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(ip);
        }
      }
      if (out.length === 0) failLookup('name-unresolvable');
      return out;
    },
  };
}
