/**
 * Error codes declared once, with their HTTP status and default message (modelled on fastify's
 * `createError(code, message, statusCode)`), and the per-package error class built from them.
 */
import { GitgateError, type GitgateErrorOptions } from './gitgate-error.js';

/** One declared error: its stable code, the HTTP status it maps to and the message used when none is given. */
export interface ErrorDefinition<C extends string = string> {
  readonly code: C;
  readonly status: number;
  readonly message: string;
}

/** Declares an error code. Throws TypeError for a code not of the form GITGATE_X or a status outside 400–599. */
export function defineError<const C extends string>(code: C, status: number, message: string): ErrorDefinition<C> {
  if (!/^GITGATE_[A-Z0-9_]+$/.test(code)) throw new TypeError(`error code ${code} is not of the form GITGATE_NAME`);
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`error ${code}: status ${status} is not an HTTP error status`);
  return Object.freeze({ code, status, message });
}

/** The codes of a catalogue by key, e.g. `{ badRequest: 'GITGATE_BAD_REQUEST' }`. */
export type CodesOf<T extends Record<string, ErrorDefinition>> = { readonly [K in keyof T]: T[K]['code'] };

/** The code strings of a catalogue of definitions, keyed as the catalogue is. */
export function codesOf<T extends Record<string, ErrorDefinition>>(catalogue: T): CodesOf<T> {
  const out: Record<string, string> = {};
  for (const [key, def] of Object.entries(catalogue)) out[key] = def.code;
  return Object.freeze(out) as CodesOf<T>;
}

/** The constructor of a package's error class: `new XError(code, message?, { cause, data })`. */
export interface ErrorClass<C extends string> {
  new (code: C, message?: string, options?: GitgateErrorOptions): GitgateError & { readonly code: C };
}

/**
 * Builds a package's error class over its catalogue: `status` comes from the code's declaration, the
 * message defaults to the declared one. Throws TypeError when constructed with an undeclared code.
 */
export function errorClass<C extends string>(name: string, catalogue: Readonly<Record<string, ErrorDefinition<C>>>): ErrorClass<C> {
  const byCode = new Map<string, ErrorDefinition<C>>();
  for (const def of Object.values(catalogue)) byCode.set(def.code, def);
  return class extends GitgateError {
    declare readonly code: C;
    constructor(code: C, message?: string, options?: GitgateErrorOptions) {
      const def = byCode.get(code);
      if (def === undefined) throw new TypeError(`${name}: error code ${code} is not declared`);
      super(code, def.status, message ?? def.message, options);
      this.name = name;
    }
  };
}
