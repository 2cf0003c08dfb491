export * from './query.module';
export type { SearchScoring } from './search/hybrid-fusion';
