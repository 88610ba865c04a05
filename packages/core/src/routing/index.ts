export * from './agent-choice.ts';
export * from './decline-cooldown.ts';
export * from './queue-order.ts';
export * from './readiness.ts';
export * from './routing-types.ts';
export * from './timeouts.ts';
