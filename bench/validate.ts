// The validation suite: Tessera's validateModule against every validator a JavaScript host
// can call, on the same bytes in one process. jco is absent on purpose: its API exposes no
// validator (print and parse run wasmparser without validating).

import { validateModule } from '../src/validate/module.ts';
import { briefError, installedVersion, v8Validate, WABT_ALL_FEATURES } from './peers.ts';
import type { Prepared, Subject, Suite, Task } from './task.ts';

const tesseraValidate: Task = {
  name: 'tessera validate',
  measures: 'validateModule(bytes): decodes the sections, then validates every function body ' +
    'streaming over its bytes (no instruction objects), all Wasm 3.0 rules',
  ours: true,
  prepare(subject: Subject): Prepared {
    validateModule(subject.bytes);
    return { run: () => validateModule(subject.bytes) };
  },
};

async function wabtValidate(): Promise<Task> {
  const { default: init } = await import('wabt');
  const wabt = await init();
  return {
    name: 'wabt validate',
    measures: `wabt.js ${installedVersion('wabt')} readWasm(bytes, all features) then validate() ` +
      'and destroy(): reads the module into wabt IR and validates it',
    ours: false,
    prepare(subject: Subject): Prepared {
      const run = () => {
        const m = wabt.readWasm(subject.bytes, { readDebugNames: false, ...WABT_ALL_FEATURES });
        try {
          m.validate();
        } finally {
          m.destroy();
        }
      };
      run();
      return { run };
    },
  };
}

async function binaryenValidate(): Promise<Task> {
  const { default: binaryen } = await import('binaryen');
  return {
    name: 'binaryen validate',
    measures: `binaryen.js ${installedVersion('binaryen')} readBinary(bytes) with all features, ` +
      'then validate() and dispose(): builds Binaryen IR and runs its validator',
    ours: false,
    prepare(subject: Subject): Prepared {
      const run = () => {
        const m = binaryen.readBinary(subject.bytes);
        try {
          m.setFeatures(binaryen.Features.All);
          if (!m.validate()) throw new Error('binaryen judged the module invalid');
        } finally {
          m.dispose();
        }
      };
      run();
      return { run };
    },
  };
}

export async function validateSuite(subjects: readonly Subject[]): Promise<Suite> {
  const tasks: Task[] = [tesseraValidate, v8Validate];
  const notes: string[] = ['jco is not measured: its API has no validator.'];
  for (const [pkg, load] of [['wabt', wabtValidate], ['binaryen', binaryenValidate]] as const) {
    try {
      tasks.push(await load());
    } catch (error) {
      notes.push(`peer ${pkg} left out: ${briefError(error)}`);
    }
  }
  return { title: 'Validation: real binaries from npm packages', subjects, tasks, notes };
}
