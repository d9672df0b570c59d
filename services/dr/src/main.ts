import { runServiceMain } from '@lifeboat/service-host';
import { drService } from './service';

void runServiceMain(drService);
