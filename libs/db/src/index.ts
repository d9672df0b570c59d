import 'reflect-metadata';

export { openDatabase, ensureDatabase, schemaDrift, pingDatabase, withAdvisoryLock, ormOptions, type DatabaseOptions, type MikroORM, type EntityManager } from './database';
export { MikroOrmInbox } from './inbox';
export { HandledEvent } from './handled-event.entity';
export { insertRow, updateRow } from './rows';
