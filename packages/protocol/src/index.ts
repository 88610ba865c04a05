export * from './attributes.ts';
export * from './campaign.ts';
export * from './campaign-fields.ts';
export * from './campaign-validation.ts';
export * from './condition-validation.ts';
export * from './visitor-protocol.ts';
