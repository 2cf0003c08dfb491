export const JOB_IDS = Symbol('JOB_IDS');
