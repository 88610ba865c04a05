/**
 * The arm name of the held-out visitors: no variant may take it. A module of its own, with no
 * schemas, so the events writer's thread (which records exposures) loads it without typebox.
 */
export const CONTROL_ARM = 'control';
