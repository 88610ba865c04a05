export * from './feature-update.ts';
export * from './feature-words.ts';
export * from './live-features.ts';
export * from './page-kinds.ts';
export * from './page-stats.ts';
export * from './score-histogram.ts';
export * from './session-features.ts';
export * from './special-days.ts';
