import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadJco } from '../../../test/support/jco-wit.ts';
import { decodeComponent } from '../binary/decode.ts';
import { decodeWit } from './decode.ts';
import { resolveWitText } from './load.ts';
import { encodePackageDocs } from './package-docs.ts';
import { printWit } from './print.ts';

const WIT = `/// The package.
package root:component@2.0.0;

/// A world,
/// on two lines.
@since(version = 1.0.0)
world root {
  /// A record.
  @since(version = 1.0.0)
  record point {
    /// The x.
    x: u32,
    y: u32,
  }
  /// An imported function.
  @unstable(feature = active)
  import f: func(p: point);
  /// Imported by reference.
  import a:b/i;
  /// An inline interface.
  import inline: interface {
    /// An enum.
    enum e {
      /// The a.
      a,
      b,
    }
    /// A function of it.
    g: func() -> e;
  }
  /// An exported function.
  @since(version = 1.0.0)
  @deprecated(version = 1.1.0)
  export h: func();
}

package a:b {
  /// Not in this package's section.
  interface i {
    j: func();
  }
}
`;

const load = () => resolveWitText({ 'root.wit': WIT }, { features: ['active'] });

test('package-docs: the JSON wit-parser writes, field for field', () => {
  const { resolve, main } = load();
  const data = encodePackageDocs(resolve, main);
  assert.equal(data[0], 1);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(data.subarray(1))), {
    docs: 'The package.',
    worlds: {
      root: {
        docs: 'A world,\non two lines.',
        stability: { stable: { since: '1.0.0' } },
        interfaces: { inline: { docs: 'An inline interface.', funcs: { g: { docs: 'A function of it.' } }, types: { e: { docs: 'An enum.', items: { a: 'The a.' } } } } },
        types: { point: { docs: 'A record.', stability: { stable: { since: '1.0.0' } }, items: { x: 'The x.' } } },
        funcs: { f: { docs: 'An imported function.', stability: { unstable: { feature: 'active' } } } },
        func_exports: { h: { docs: 'An exported function.', stability: { stable: { since: '1.0.0', deprecated: '1.1.0' } } } },
        interface_import_docs: { 'a:b/i': 'Imported by reference.' },
      },
    },
  });
  // Key order is part of the bytes: serde writes struct fields in declaration order.
  assert.match(new TextDecoder().decode(data.subarray(1)), /^\{"docs":"The package\.","worlds":\{"root":\{"docs":"A world,\\non two lines\.","stability":/);
});

test('package-docs: wasm-tools (jco) reads the section into a component it built, as decodeWit does', async (t) => {
  const jco = await loadJco();
  if (!jco) {
    t.skip('jco is not installed');
    return;
  }
  const { resolve, main } = load();
  const built = await jco.componentNew(await jco.componentEmbed({ witSource: WIT, dummy: true, world: 'root', features: { tag: 'list', val: ['active'] } }));
  // Append the section: a custom section is id 0, its size, the name, the content.
  const name = new TextEncoder().encode('package-docs');
  const data = encodePackageDocs(resolve, main);
  const body = [name.length, ...name, ...data];
  const size: number[] = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) { size.push(n); break; }
    size.push((n & 0x7f) | 0x80);
  }
  const bytes = Uint8Array.from([...built, 0, ...size, ...body]);
  const theirs = await jco.componentWit(bytes);
  const ours = printWit(...((d) => [d.resolve, d.package] as const)(decodeWit(decodeComponent(bytes))));
  for (const line of [
    '/// The package.', '/// A world,', '/// on two lines.', '@since(version = 1.0.0)', '/// A record.', '/// An imported function.',
    '@unstable(feature = active)', '/// Imported by reference.', '/// An inline interface.', '/// An enum.', '/// A function of it.',
    '/// An exported function.', '@deprecated(version = 1.1.0)',
  ]) {
    assert.ok(theirs.includes(line), `wasm-tools printed no ${JSON.stringify(line)}:\n${theirs}`);
    assert.ok(ours.includes(line), `decodeWit gave no ${JSON.stringify(line)}:\n${ours}`);
  }
  // Member docs, printed by both and kept in the model.
  assert.ok(theirs.includes('/// The x.') && theirs.includes('/// The a.'));
  assert.ok(ours.includes('/// The x.') && ours.includes('/// The a.'), ours);
  const d = decodeWit(decodeComponent(bytes));
  const point = d.resolve.types.find((x) => x.name === 'point');
  assert.equal(point?.kind.tag === 'record' ? point.kind.fields[0].docs : undefined, 'The x.');
});
