// wasi:sockets/ip-name-lookup
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/ip-name-lookup.wit):
// names are looked up only if granted (./policy.ts); a refused lookup fails as wasmtime's
// does when lookups are not allowed (`permanent-resolver-failure`). An IP address needs no
// lookup and is its own answer. The addresses a granted name resolves to become reachable
// under that name's grant.
import { Pollable } from '../io/poll.ts';
import { Settling } from '../io/settling.ts';
import { type IpAddress, parseIp } from './address.ts';
import { type NetBackend, netErrorOf } from './backend.ts';
import { failNet, type Network, type SocketsContext } from './network.ts';
import type { NetPolicy } from './policy.ts';

/** The `resolve-address-stream` resource. */
export class ResolveAddressStream {
  readonly #cx: SocketsContext;
  readonly #lookup: Settling<IpAddress[]>;
  #next = 0;

  constructor(cx: SocketsContext, lookup: Settling<IpAddress[]>) {
    this.#cx = cx;
    this.#lookup = lookup;
  }

  /** `[method]resolve-address-stream.resolve-next-address`: `would-block` until the answer is in. */
  'resolve-next-address'(): IpAddress | undefined {
    const l = this.#lookup;
    if (!l.settled) failNet('would-block');
    if (l.failed) failNet(netErrorOf(l.error));
    const list = l.value as IpAddress[];
    return list[this.#next++];
  }

  /** `[method]resolve-address-stream.subscribe` */
  subscribe(): Pollable {
    return new Pollable(this.#cx, this.#lookup.readiness);
  }
}

/** Host names as DNS has them: labels of letters, digits and hyphens (IDNA is the guest's job). */
const NAME = /^(?=.{1,253}\.?$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?)*\.?$/;

/** Whether `name` is a host name DNS could have. */
export function isHostName(name: string): boolean {
  return NAME.test(name);
}

/** The IP address `name` spells (`[v6]` too): its own answer, needing no lookup; else undefined. */
export function literalAddress(name: string): IpAddress | undefined {
  return parseIp(name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name);
}

/** Looks up a name the policy grants; what it resolves to becomes reachable under that grant. */
export async function lookupGranted(policy: NetPolicy, backend: NetBackend, name: string): Promise<IpAddress[]> {
  const texts = await backend.lookup(name);
  policy.addResolved(name, texts);
  const out: IpAddress[] = [];
  for (const t of texts) {
    const ip = parseIp(t);
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

/** `wasi:sockets/ip-name-lookup` */
export function ipNameLookup(cx: SocketsContext) {
  return {
    'resolve-addresses'(_network: Network, name: string): ResolveAddressStream {
      const literal = literalAddress(name);
      if (literal !== undefined) return new ResolveAddressStream(cx, Settling.of([literal]));
      if (!isHostName(name)) failNet('invalid-argument');
      if (!cx.policy.allowsName(name)) failNet('permanent-resolver-failure');
      const backend = cx.backend ?? failNet('not-supported');
      return new ResolveAddressStream(cx, new Settling(lookupGranted(cx.policy, backend, name)));
    },
    'resolve-address-stream': ResolveAddressStream,
  };
}
