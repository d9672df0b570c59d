import { runServiceMain } from '@lifeboat/service-host';
import { monitor } from './service';

void runServiceMain(monitor);
