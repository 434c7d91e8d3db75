import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { decodeWit } from './decode.ts';
import { printWit } from './print.ts';

const wit = (text: string) => {
  const d = decodeWit(parseComponent(text));
  return { kind: d.kind, text: printWit(d.resolve, d.package) };
};

test('decodeWit: the first package format (one `ns:pkg/wit` export holding the package)', () => {
  const d = wit(`(component
    (type $pkg (component
      (type $i (instance (export "t" (type (sub resource)))))
      (export "a:b/x" (instance (type $i)))
      (type $w (component
        (type $f (func))
        (import "a:b/x" (instance (type $i)))
        (export "run" (func (type $f)))
      ))
      (export "a:b/w" (component (type $w)))
    ))
    (export "a:b/wit" (type $pkg))
  )`);
  assert.equal(d.kind, 'package');
  assert.equal(d.text, 'package a:b;\n\ninterface x {\n  resource t;\n}\n\nworld w {\n  import x;\n  export run: func();\n}\n');
});

test('decodeWit: an ordinary component reads as world root with its types, functions and interfaces', () => {
  const d = wit(`(component
    (type $t (record (field "x" u32)))
    (import "point" (type $p (eq $t)))
    (import "f" (func (param "p" $p)))
    (import "a:b/i@1.0.0" (instance $i
      (export "r" (type (sub resource)))
      (export "[constructor]r" (func (result (own 0))))
    ))
    (alias export $i "r" (type $r))
    (type $own (own $r))
    (import "g" (func $g (result $own)))
    (export "h" (func $g))
  )`);
  assert.equal(d.kind, 'component');
  assert.equal(d.text, `package root:component;

world root {
  import f: func(p: point);
  import a:b/i@1.0.0;
  import g: func() -> r;
  export h: func() -> r;
  record point {
    x: u32,
  }
}

package a:b@1.0.0 {
  interface i {
    resource r {
      constructor();
    }
  }

}
`);
});

test('decodeWit: an instance re-exported under another name has no WIT', () => {
  assert.throws(() => wit(`(component
    (import "a:b/i" (instance $i (export "t" (type (sub resource)))))
    (export "c:d/j" (instance $i))
  )`), (e: unknown) => e instanceof ValidationError && /the type `t` appears more than once/.test(e.message));
});

test('decodeWit: types of an imported interface reach an exported one through instantiation', () => {
  // The shape wit-component gives exports: a shim component instantiated with the
  // imported resource, whose exported instance must `use` it rather than define its own.
  const d = wit(`(component
    (import "a:b/types" (instance $types (export "r" (type (sub resource)))))
    (alias export $types "r" (type $r))
    (component $shim
      (import "import-type-r" (type $ir (sub resource)))
      (export "r" (type $ir))
    )
    (instance $x (instantiate $shim (with "import-type-r" (type $r))))
    (export "a:b/handler" (instance $x))
  )`);
  assert.match(d.text, /world root \{\n {2}import a:b\/types;\n {2}export a:b\/handler;\n\}/);
  assert.match(d.text, /interface handler \{\n {4}use types\.\{r\};\n {2}\}/);
});
