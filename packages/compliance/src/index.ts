export * from './location/index.js';
