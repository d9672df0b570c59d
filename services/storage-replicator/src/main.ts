import { runServiceMain } from '@lifeboat/service-host';
import { storageReplicator } from './service';

void runServiceMain(storageReplicator);
