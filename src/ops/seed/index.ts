// Synthetic data for demonstrations, `jukinet up` and the benchmarks: a population of households per municipality.

export {
  AGE_PYRAMID,
  ageOn,
  generatePopulation,
  MAX_AGE,
  Relationship,
  type PopulationOptions,
  type SyntheticHousehold,
  type SyntheticPerson,
} from './population.js';
export { createSeededRandom, type SeededRandom } from './prng.js';
export { isTownOf, townsOf } from './towns.js';
