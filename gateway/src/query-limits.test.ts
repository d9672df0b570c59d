import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, parse, validate } from 'graphql';
import { queryLimitsRule } from './query-limits';

const schema = buildSchema(`type Node { id: ID! child: Node } type Query { node: Node }`);
const errorsOf = (query: string, depth = 3, fields = 10) => validate(schema, parse(query), [queryLimitsRule(depth, fields)]).map((e) => e.message);

test('depth counts nesting, through named and inline fragments', () => {
  assert.deepEqual(errorsOf('{ node { child { id } } }'), []);
  assert.match(errorsOf('{ node { child { child { id } } } }')[0], /depth 4 exceeds the limit of 3/);
  assert.match(errorsOf('{ node { ...F } } fragment F on Node { child { child { id } } }')[0], /depth 4/);
  assert.match(errorsOf('{ node { ... on Node { child { child { id } } } } }')[0], /depth 4/);
});

test('field selections are counted, aliases included', () => {
  const wide = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: node { id }`).join(' ')} }`;
  assert.match(errorsOf(wide, 3, 20)[0], /selects 22 fields, more than the limit of 20/);
});

test('a fragment spreading itself does not loop', () => {
  assert.deepEqual(errorsOf('{ node { ...F } } fragment F on Node { child { ...F } }'), []);
});
