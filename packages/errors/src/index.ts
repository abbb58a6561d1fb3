export { GitgateError } from './gitgate-error.js';
export type { GitgateErrorOptions } from './gitgate-error.js';
export { defineError, codesOf, errorClass } from './define-error.js';
export type { ErrorDefinition, ErrorClass, CodesOf } from './define-error.js';
export { httpErrorOf } from './http-error.js';
export type { HttpError } from './http-error.js';
