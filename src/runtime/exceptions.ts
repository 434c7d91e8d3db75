// Errors the runtime adds to those of src/core/errors.ts: a WebAssembly exception that no
// handler caught (https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-throw-x),
// and a module the engine refused although Tessera found it valid (an implementation limit
// or a feature the engine lacks).

/** A WebAssembly exception escaped to the host. */
export class UncaughtException extends Error {
  /** The engine's exception object (a `WebAssembly.Exception` on the native tier). */
  readonly exception: unknown;
  constructor(exception: unknown) {
    super('uncaught exception');
    this.name = 'UncaughtException';
    this.exception = exception;
  }
}

/** The engine refused a module or an instantiation that WebAssembly allows. */
export class EngineError extends Error {
  readonly engine: string;
  constructor(engine: string, message: string) {
    super(`${engine}: ${message}`);
    this.name = 'EngineError';
    this.engine = engine;
  }
}
