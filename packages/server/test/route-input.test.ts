import { expect } from 'chai';
import { AccessError } from '@gitgate/access';
import { apiRoutes } from '../src/api/api-routes.js';
import { openApiDocument } from '../src/api/openapi.js';
import { checkNames, readInput } from '../src/api/route-input.js';
import type { RouteDeclaration } from '../src/api/route-declaration.js';

const routeOf = (action: string): RouteDeclaration => apiRoutes.find((r) => r.action === action)!;
/** The 400 sentence a call throws, failing the test when it throws something else or nothing. */
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(AccessError).with.property('status', 400);
    return (e as Error).message;
  }
  expect.fail('expected a 400');
};
type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { properties: object; required?: string[] } }> } };
const operationOf = (route: RouteDeclaration): Operation =>
  (openApiDocument.paths as Record<string, Record<string, Operation>>)[route.path.replace(/:(\w+)/g, '{$1}')]![route.method]!;

describe('API route declarations', () => {
  it('accept exactly the query parameters the OpenAPI document lists for each route', () => {
    for (const route of apiRoutes) {
      const listed = (operationOf(route).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(Object.keys(route.query ?? {}), route.action).to.deep.equal(listed);
      for (const name of listed) expect(() => checkNames(route, { [name]: '1' }, undefined), `${route.action} ${name}`).not.to.throw();
      expect(refusal(() => checkNames(route, { verbose: '1' }, undefined)), route.action).to.match(/^unknown query parameter "verbose"/);
    }
  });

  it('accept exactly the body fields the OpenAPI document lists for each route, and no body where it lists none', () => {
    for (const route of apiRoutes) {
      const schema = operationOf(route).requestBody?.content['application/json']?.schema;
      if (schema === undefined) {
        expect(refusal(() => checkNames(route, {}, { all: true })), route.action).to.equal('this call takes no request body');
        continue;
      }
      expect(Object.keys(route.body!.fields), route.action).to.deep.equal(Object.keys(schema.properties));
      expect(route.body!.required ?? [], route.action).to.deep.equal(schema.required ?? []);
      expect(refusal(() => checkNames(route, {}, { admin: true })), route.action).to.match(/^unknown body field "admin"/);
    }
  });

  it('refuses a body that is not a JSON object', () => {
    expect(refusal(() => checkNames(routeOf('detokenize.create'), {}, ['a']))).to.equal('the request body must be a JSON object');
    expect(refusal(() => checkNames(routeOf('detokenize.create'), {}, 'text'))).to.equal('the request body must be a JSON object');
  });

  it('refuses a missing required field and a field that is not a string, naming the field and not its value', () => {
    const create = routeOf('detokenize.create');
    expect(refusal(() => readInput(create, {}, {}))).to.equal('token is required');
    expect(refusal(() => readInput(create, {}, { token: { a: 1 } }))).to.equal('token must be a string of at most 4096 characters');
    expect(refusal(() => readInput(routeOf('detokenize.approve'), {}, { comment: 'x'.repeat(5000) }))).to.equal('comment must be a string of at most 4096 characters');
  });

  it('refuses a repeated or nested query parameter as not a string', () => {
    expect(refusal(() => readInput(routeOf('detokenize.list'), { status: ['pending', 'approved'] }, undefined))).to.equal('status must be a string of at most 4096 characters');
    expect(refusal(() => readInput(routeOf('audit.sessions'), { repo: { a: '1' } }, undefined))).to.equal('repo must be a string of at most 4096 characters');
  });

  it('refuses a limit outside the bounds its route declares', () => {
    expect(refusal(() => readInput(routeOf('detokenize.list'), { limit: '1001' }, undefined))).to.equal('limit must be an integer from 1 to 1000');
    for (const limit of ['0', '-1', '1e3', 'abc', '99999999']) {
      expect(refusal(() => readInput(routeOf('audit.requests'), { limit }, undefined)), limit).to.equal('limit must be an integer from 1 to 10000');
    }
    expect(readInput(routeOf('audit.requests'), { limit: '10000' }, undefined).query.limit).to.equal(10000);
  });

  it('reads a date-time as a Date and refuses one that is not an ISO 8601 time', () => {
    expect(readInput(routeOf('audit.sessions'), { since: '2030-01-31T12:00:00Z' }, undefined).query.since).to.deep.equal(new Date('2030-01-31T12:00:00Z'));
    for (const since of ['yesterday', '1', '2030-13-45T99:99:99Z']) {
      expect(refusal(() => readInput(routeOf('audit.sessions'), { since }, undefined)), since).to.equal('since must be an ISO 8601 time such as 2030-01-31T12:00:00Z');
    }
  });
});
