/**
 * 405 for a declared API path asked with a method it does not take (a GET of `…/reveal`: revealing
 * changes state, so it is a POST only and a retried or prefetched GET never uses up a grant).
 */
import express, { type Request, type Router } from 'express';
import { httpErrorOf } from '@gitgate/errors';
import { ServerError, codes } from '../errors.js';
import type { RouteDeclaration } from './route-declaration.js';

/**
 * A router answering every declared path with 405, an `Allow` header and a sentence naming the
 * methods it takes; mount it after the routes themselves. `refused` audits each answer.
 */
export function wrongMethodRoutes(routes: readonly RouteDeclaration[], refused: (req: Request, status: number, code: string) => void): Router {
  const methods = new Map<string, string[]>();
  for (const route of routes) methods.set(route.path, [...(methods.get(route.path) ?? []), route.method.toUpperCase()]);
  const r = express.Router();
  for (const [path, allowed] of methods) {
    r.all(path, (req, res) => {
      const e = new ServerError(codes.methodNotAllowed, `${req.method} is not allowed on this route; use ${allowed.join(' or ')}`);
      const { status, code, message } = httpErrorOf(e);
      refused(req, status, code);
      res.status(status).set('Allow', allowed.join(', ')).json({ error: { code, message } });
    });
  }
  return r;
}
