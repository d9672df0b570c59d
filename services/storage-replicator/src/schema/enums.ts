/** The GraphQL enums of this subgraph, spelled as the shared vocabulary spells them. */
import { registerEnumType } from 'type-graphql';
import { CopyStatus } from '@lifeboat/vocabulary';

registerEnumType(CopyStatus, { name: 'CopyStatus', description: 'The state of one copy of a backup in one location' });

export { CopyStatus };
