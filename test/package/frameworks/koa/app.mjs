// Koa 3 with koa-session, koa-passport and @koa/router, as koa-passport's docs set them up.
import Router from '@koa/router';
import Koa from 'koa';
import passport from 'koa-passport';
import session from 'koa-session';
import { ROUTES, oauth1Strategy, oauth2Strategy, port } from './bitbucket.mjs';

passport.use(oauth2Strategy());
passport.use(oauth1Strategy());
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = new Koa();
app.keys = ['secret'];
app.use(session({}, app));
app.use(passport.initialize());
app.use(passport.session());

const router = new Router();
for (const [prefix, name] of Object.entries(ROUTES)) {
  router.get(`/auth/${prefix}`, passport.authenticate(name));
  router.get(
    `/auth/${prefix}/callback`,
    passport.authenticate(name, { successRedirect: '/me', failureRedirect: '/failed' }),
  );
}
router.get('/me', (ctx) => {
  ctx.body = { user: ctx.state.user ?? null };
});
router.get('/failed', (ctx) => {
  ctx.status = 401;
  ctx.body = { failed: true };
});
app.use(router.routes());
app.listen(port, '127.0.0.1', () => console.log('listening'));
