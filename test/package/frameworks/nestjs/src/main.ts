// Nest's bootstrap with express-session and passport's session support, as Nest's session docs show.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import session from 'express-session';
import passport from 'passport';
import { AppModule } from './auth.js';
import { port } from './strategies.js';

const app = await NestFactory.create(AppModule, { logger: ['error'] });
app.use(session({ secret: 'my-secret', resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
await app.listen(port, '127.0.0.1');
console.log('listening');
