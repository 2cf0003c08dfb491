/** The JobIds instance that issues (and verifies) memory operation ids, `op-…`. */
export const OPERATION_IDS = Symbol('OPERATION_IDS');
