export * from './identity';
export * from './token';
export * from './jwt.strategy';
export * from './auth.module';
