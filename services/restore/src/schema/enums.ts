/** The GraphQL enums of this subgraph, spelled as the shared vocabulary spells them. */
import { registerEnumType } from 'type-graphql';
import { RestoreMode } from '@lifeboat/vocabulary';

registerEnumType(RestoreMode, { name: 'RestoreMode', description: 'FULL replaces, MERGE inserts what is missing, PITR recovers to a moment' });

export { RestoreMode };
