import { type DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JWT_SETTINGS, JwtStrategy, type JwtSettings } from './jwt.strategy';

@Module({})
export class AuthModule {
  static forRoot(settings: JwtSettings): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule.register({ defaultStrategy: 'jwt', session: false })],
      providers: [{ provide: JWT_SETTINGS, useValue: settings }, JwtStrategy],
      exports: [PassportModule],
    };
  }
}
