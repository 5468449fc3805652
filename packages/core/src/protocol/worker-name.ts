/** The `name` of every worker ko-classify starts: how the testing kit (or a devtools filter) recognises it. */
export const WORKER_NAME = 'ko-classify';
