import { runServiceMain } from '@lifeboat/service-host';
import { backupExecutor } from './service';

void runServiceMain(backupExecutor);
