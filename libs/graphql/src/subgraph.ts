/**
 * Builds a Federation 2 subgraph schema from type-graphql resolvers. type-graphql reads the
 * decorated classes; the printed SDL (with `@key` and friends) goes through Apollo's
 * buildSubgraphSchema, which adds `_entities`/`_service`; the resolvers are carried over.
 */
import 'reflect-metadata';
import gql from 'graphql-tag';
import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, type NonEmptyArray, type PubSub } from 'type-graphql';
import { roleAuthChecker } from './context';

export interface SubgraphOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  /** `{ TypeName: { __resolveReference(ref, ctx) } }` for entities this subgraph resolves by key. */
  referenceResolvers?: Record<string, { __resolveReference: (ref: never, context: never) => unknown }>;
  /** Resolver instances with their dependencies; a class without one here is constructed bare. */
  instances?: object[];
  /** Required by type-graphql when the schema has subscriptions. */
  pubSub?: PubSub;
}

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

export async function buildSubgraph(options: SubgraphOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    authChecker: roleAuthChecker,
    authMode: 'error',
    validate: false,
    skipCheck: true,
    pubSub: options.pubSub,
    // API.md names the scalar DateTime (type-graphql's default would be DateTimeISO).
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    container: {
      get: (cls: new () => object) => options.instances?.find((i) => i.constructor === cls) ?? new cls(),
    },
  });
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, ref] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...ref } as never;
  }
  return buildSubgraphSchema({
    typeDefs: gql`
      ${FEDERATION_LINK}
      ${printSchemaWithDirectives(schema)}
    `,
    resolvers,
  });
}

/** The subgraph's SDL as the gateway composes it (the `_service { sdl }` answer). */
export function subgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}
