// Express 4 or 5 (whichever the cell installed) with express-session and passport, as passport's docs set
// them up: session middleware, `passport.authenticate('session')`, one route to start and one callback.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { ROUTES, oauth1Strategy, oauth2Strategy, port } from './bitbucket.mjs';

passport.use(oauth2Strategy());
passport.use(oauth1Strategy());
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(passport.authenticate('session'));
for (const [prefix, name] of Object.entries(ROUTES)) {
  app.get(`/auth/${prefix}`, passport.authenticate(name));
  app.get(
    `/auth/${prefix}/callback`,
    passport.authenticate(name, { successRedirect: '/me', failureRedirect: '/failed' }),
  );
}
app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
app.get('/failed', (_req, res) => res.status(401).json({ failed: true }));
app.listen(port, '127.0.0.1', () => console.log('listening'));
