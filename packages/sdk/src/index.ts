export * from './beacon.ts';
export * from './visitor-client.ts';
export * from './visitor-events.ts';
