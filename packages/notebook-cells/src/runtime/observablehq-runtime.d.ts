// @observablehq/runtime ships no types; this covers the part of its API the cell graph uses.
declare module '@observablehq/runtime' {
  export interface Observer {
    pending?(): void;
    fulfilled?(value: unknown, name?: string | null): void;
    rejected?(error: unknown, name?: string | null): void;
  }
  export class Variable {
    define(name: string | null, inputs: readonly string[], definition: (...inputs: never[]) => unknown): this;
    delete(): this;
  }
  export class Module {
    variable(observer?: Observer | boolean): Variable;
    define(name: string, inputs: readonly string[], definition: (...inputs: never[]) => unknown): Variable;
    value(name: string): Promise<unknown>;
  }
  export class Runtime {
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    module(): Module;
    dispose(): void;
  }
  export class RuntimeError extends Error {}
}
