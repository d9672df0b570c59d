/** The GraphQL enums of this subgraph, spelled as the shared vocabulary spells them. */
import { registerEnumType } from 'type-graphql';
import { BackupType } from '@lifeboat/vocabulary';

registerEnumType(BackupType, { name: 'BackupType', description: 'What a backup holds' });

export { BackupType };
