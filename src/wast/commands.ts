// The commands the script runner executes: the spec interpreter's script language
// (WebAssembly/spec interpreter/README.md, "Scripts"), one entry per command, with module
// forms kept as written (text, binary, quoted text) so each assertion can check the phase it
// is about. Produced from a parsed WAST script by `fromScript` (from-script.ts).
import type { Module } from '../core/ast.ts';
import type { Value } from '../runtime/values.ts';
import type { ResultPattern } from './expect.ts';

export type ModuleForm =
  /** A text module, parsed (malformed text in a script is a script error, not an assertion). */
  | { readonly form: 'text'; readonly module: Module }
  | { readonly form: 'binary'; readonly bytes: Uint8Array }
  /** `(module quote ...)`: text parsed only when the command runs. */
  | { readonly form: 'quote'; readonly text: string };

export type Action =
  | { readonly kind: 'invoke'; readonly module?: string; readonly name: string; readonly args: readonly Value[] }
  | { readonly kind: 'get'; readonly module?: string; readonly name: string };

interface At {
  /** 1-based line of the command in its script. */
  readonly line: number;
}

export type Command = At & (
  /** `(module $id? ...)`; `definition`: compiled, not instantiated (`module definition`). */
  | { readonly kind: 'module'; readonly id?: string; readonly definition: boolean; readonly module: ModuleForm }
  /** `(module instance $id? $definition?)`: instantiates a definition (the latest by default). */
  | { readonly kind: 'instance'; readonly id?: string; readonly definition?: string }
  | { readonly kind: 'register'; readonly name: string; readonly module?: string }
  | { readonly kind: 'action'; readonly action: Action }
  | { readonly kind: 'assert_return'; readonly action: Action; readonly results: readonly ResultPattern[] }
  | { readonly kind: 'assert_trap'; readonly action: Action; readonly message: string }
  /** `(assert_trap (module ...) "msg")`: instantiation traps. */
  | { readonly kind: 'assert_trap_module'; readonly module: ModuleForm; readonly message: string }
  | { readonly kind: 'assert_exhaustion'; readonly action: Action; readonly message: string }
  | { readonly kind: 'assert_exception'; readonly action: Action }
  | {
    readonly kind: 'assert_malformed' | 'assert_invalid' | 'assert_unlinkable' | 'assert_uninstantiable';
    readonly module: ModuleForm;
    readonly message: string;
  }
  /** A command the runner does not support (`thread`, `wait`, custom-section assertions ...). */
  | { readonly kind: 'unsupported'; readonly name: string }
);
