export * from './calendars/index.js';
export * from './engine/index.js';
export * from './location/index.js';
export * from './presets/index.js';
export * from './rules/index.js';
