// jco's bundled wasm-tools (wit-component) as a test oracle for WIT in components:
// `embed` gives the bytes wit-component writes for a world (the `component-type` custom
// section of a module), `newComponent` a component implementing a world, `componentWit`
// the WIT wasm-tools reads from a component. jco is a devDependency; tests skip without it.
import { createRequire } from 'node:module';

type Jco = {
  componentEmbed(opts: { witPath?: string; witSource?: string; dummy?: boolean; world?: string; features?: { tag: 'list'; val: string[] } }): Promise<Uint8Array>;
  componentNew(bytes: Uint8Array): Promise<Uint8Array>;
  componentWit(bytes: Uint8Array): Promise<string>;
};

let cached: Promise<Jco | undefined> | undefined;

/** jco's API, with filesystem access granted to its WIT reader; undefined when not installed. */
export function loadJco(): Promise<Jco | undefined> {
  cached ??= (async () => {
    try {
      const jco = (await import('@bytecodealliance/jco')) as unknown as Jco;
      // jco reads WIT paths through preview2-shim, which grants no file access by default
      // (../shared/FIXTURES.md): open the whole filesystem to it, from where jco loads it.
      const require = createRequire(createRequire(import.meta.resolve('@bytecodealliance/jco')).resolve('@bytecodealliance/jco-transpile'));
      const fs = (await import(require.resolve('@bytecodealliance/preview2-shim/filesystem'))) as { _setPreopens(p: Record<string, string>): void };
      fs._setPreopens({ '/': '/' });
      return jco;
    } catch {
      return undefined;
    }
  })();
  return cached;
}

/** The sections of a binary: id, name (custom sections) and content, with their extent. */
export function sections(b: Uint8Array): { id: number; name?: string; start: number; end: number; content: Uint8Array }[] {
  const out: { id: number; name?: string; start: number; end: number; content: Uint8Array }[] = [];
  let i = 8;
  const leb = () => {
    let r = 0;
    let shift = 0;
    let x: number;
    do {
      x = b[i++];
      r += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return r;
  };
  while (i < b.length) {
    const start = i;
    const id = b[i++];
    const size = leb();
    const end = i + size;
    if (id === 0) {
      const n = leb();
      const name = new TextDecoder().decode(b.subarray(i, i + n));
      out.push({ id, name, start, end, content: b.subarray(i + n, end) });
    } else out.push({ id, start, end, content: b.subarray(i, end) });
    i = end;
  }
  return out;
}

/** What wit-component wrote for `world`: the component-type section, without its producers section. */
export async function embedWorld(jco: Jco, witPath: string, world: string): Promise<Uint8Array> {
  const module = await jco.componentEmbed({ witPath, dummy: true, world, features: { tag: 'list', val: ['active'] } });
  const section = sections(module).find((s) => s.name?.startsWith('component-type'));
  if (!section) throw new Error('jco embed wrote no component-type section');
  const inner = section.content;
  const producers = sections(inner).find((s) => s.name === 'producers');
  return producers ? inner.subarray(0, producers.start) : inner;
}

/** WIT text compared modulo layout: trimmed lines without blanks and package headers, grouped `use`s split, sorted. */
export function witLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('package '))
    .flatMap((l) => {
      const m = /^use (.*)\.\{(.*)\};$/.exec(l);
      return m ? m[2].split(',').map((n) => `use ${m[1]}.{${n.trim()}};`) : [l];
    })
    .sort();
}

const leb128 = (n: number): number[] => {
  const out: number[] = [];
  for (let x = n; ; x = Math.floor(x / 128)) {
    if (x < 0x80) {
      out.push(x);
      return out;
    }
    out.push((x % 128) | 0x80);
  }
};

/** A custom section's bytes. */
export function customSection(name: string, data: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = [...leb128(n.length), ...n, ...data];
  return Uint8Array.from([0, ...leb128(body.length), ...body]);
}

/**
 * A module's component-type section replaced by one in wit-component's third format:
 * a WIT package encoded as a component and the name of the world in it to target
 * (wit-component's metadata.rs reads it with its package decoder).
 */
export function withPackageMetadata(module: Uint8Array, pkg: Uint8Array, world: string): Uint8Array {
  const s = sections(module).find((x) => x.name?.startsWith('component-type'));
  if (!s) throw new Error('no component-type section');
  const w = new TextEncoder().encode(world);
  const data = Uint8Array.from([0x03, 0x00, ...leb128(w.length), ...w, ...pkg]);
  const section = customSection(s.name as string, data);
  return Uint8Array.from([...module.subarray(0, s.start), ...section, ...module.subarray(s.end)]);
}
