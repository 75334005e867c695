// The ops layer's public API: operational tooling that is neither a server nor an edge, such as synthetic data.

export * from './seed/index.js';
