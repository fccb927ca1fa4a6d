// Guards, serializer, controller and module as Nest's passport recipe writes them for sessions: a guard
// that logs the user in after AuthGuard authenticated, and a PassportSerializer.
import {
  Catch,
  Controller,
  Get,
  Injectable,
  Module,
  Redirect,
  Req,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import { AuthGuard, PassportModule, PassportSerializer } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { BitbucketOAuth1, BitbucketOAuth2, BitbucketOAuth2WithParams, type AppUser } from './strategies.js';

/** AuthGuard(name) that also stores the user in the session, as Nest's session recipe writes it. */
function SessionGuard(name: string) {
  @Injectable()
  class Guard extends AuthGuard(name) {
    override async canActivate(context: ExecutionContext): Promise<boolean> {
      const result = (await super.canActivate(context)) as boolean;
      await super.logIn(context.switchToHttp().getRequest());
      return result;
    }
  }
  return Guard;
}

export const OAuth2Guard = SessionGuard('bitbucket-oauth2');
export const OAuth1Guard = SessionGuard('bitbucket');
export const ParamsGuard = SessionGuard('bitbucket-params');

/** A failed sign-in (AuthGuard's 401) goes to the failure page, as guides/frameworks.md shows. */
@Catch(UnauthorizedException)
export class ToFailurePage implements ExceptionFilter {
  catch(_exception: UnauthorizedException, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().redirect('/failed');
  }
}

@Injectable()
export class SessionSerializer extends PassportSerializer {
  serializeUser(user: AppUser, done: (err: Error | null, user: AppUser) => void): void {
    done(null, user);
  }

  deserializeUser(payload: AppUser, done: (err: Error | null, user: AppUser) => void): void {
    done(null, payload);
  }
}

@Controller()
export class AuthController {
  @Get('auth/oauth2')
  @UseGuards(OAuth2Guard)
  oauth2(): void {}

  @Get('auth/oauth2/callback')
  @UseGuards(OAuth2Guard)
  @UseFilters(ToFailurePage)
  @Redirect('/me')
  oauth2Callback(): void {}

  @Get('auth/oauth1')
  @UseGuards(OAuth1Guard)
  oauth1(): void {}

  @Get('auth/oauth1/callback')
  @UseGuards(OAuth1Guard)
  @UseFilters(ToFailurePage)
  @Redirect('/me')
  oauth1Callback(): void {}

  @Get('auth/params')
  @UseGuards(ParamsGuard)
  params(): void {}

  @Get('auth/params/callback')
  @UseGuards(ParamsGuard)
  @UseFilters(ToFailurePage)
  @Redirect('/me')
  paramsCallback(): void {}

  @Get('me')
  me(@Req() req: Request): { user: unknown } {
    return { user: req.user ?? null };
  }
}

@Module({
  imports: [PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [BitbucketOAuth2, BitbucketOAuth1, BitbucketOAuth2WithParams, SessionSerializer],
})
export class AppModule {}
