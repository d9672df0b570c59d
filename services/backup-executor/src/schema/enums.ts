/** The GraphQL enums of this subgraph, spelled as the shared vocabulary spells them. */
import { registerEnumType } from 'type-graphql';
import { BackupStatus, BackupType } from '@lifeboat/vocabulary';

registerEnumType(BackupType, { name: 'BackupType', description: 'What a backup holds' });
registerEnumType(BackupStatus, { name: 'BackupStatus', description: 'Where a backup is in its life' });

export { BackupStatus, BackupType };
