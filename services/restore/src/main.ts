import { runServiceMain } from '@lifeboat/service-host';
import { restoreService } from './service';

void runServiceMain(restoreService);
