export { freePort } from '@recollect/database';
