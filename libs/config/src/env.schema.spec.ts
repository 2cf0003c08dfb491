import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.schema';

describe(loadEnv.name, () => {
  it('applies defaults for an empty environment', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(8080);
    expect(env.EMBEDDER).toBe('use-lite');
  });

  it('names every bad variable and its rule', () => {
    expect(() => loadEnv({ PORT: 'eighty', JWT_SECRET: 'short' })).toThrow(/PORT[\s\S]*JWT_SECRET: must be at least 16 characters/);
  });

  it('requires the HTTP embedder settings together', () => {
    expect(() => loadEnv({ EMBEDDER: 'openai', EMBEDDER_URL: 'http://127.0.0.1:1' })).toThrow(/EMBEDDER_MODEL/);
  });
});
