// Names the bench server and its load generators share. Kept apart from beckon-server.ts, whose
// import would start a whole node inside the importing (load-generating) process.

/** The origin every bench visitor presents; the bench site allows it. */
export const BENCH_ORIGIN = 'http://bench.beckon.local';
/** The custom event that makes W2's trigger campaign true. */
export const TRIGGER_EVENT = 'bench_trigger';
/** The app screen section that makes the mobile workload's app campaign true (BENCH_APP_CAMPAIGN=1). */
export const APP_TRIGGER_SECTION = 'bench-app-checkout';
