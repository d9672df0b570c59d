import { runServiceMain } from '@lifeboat/service-host';
import { scheduler } from './service';

void runServiceMain(scheduler);
