export * from './query.module';
export { scoringFromEnv, type SearchScoring } from './search/hybrid-fusion';
