import 'reflect-metadata';

export { ROLES, type Role, type Identity, IDENTITY_HEADER, SIGNATURE_HEADER, roleAtLeast, isRole, signIdentity, verifyIdentity } from './identity';
export { type SubgraphContext, roleAuthChecker } from './context';
export { formatError, toGraphQLError, lifeboatErrorOf } from './errors';
export { buildSubgraph, subgraphSdl, type SubgraphOptions } from './subgraph';
