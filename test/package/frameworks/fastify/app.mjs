// Fastify 5 with @fastify/passport, as its docs set it up, over the session plugin the cell installed:
// @fastify/session (with @fastify/cookie) or @fastify/secure-session (FASTIFY_SESSION=secure), with the cookie
// settings guides/frameworks.md gives them.
import fastifyPassport from '@fastify/passport';
import Fastify from 'fastify';
import { ROUTES, oauth1Strategy, oauth2Strategy, port } from './bitbucket.mjs';

const app = Fastify();
if (process.env.FASTIFY_SESSION === 'secure') {
  await app.register(import('@fastify/secure-session'), {
    secret: 'averylogphrasebiggerthanthirtytwochars',
    salt: 'mq9hDxBVDbspDR6n',
    cookie: { path: '/' },
  });
} else {
  await app.register(import('@fastify/cookie'));
  await app.register(import('@fastify/session'), {
    secret: 'a secret with minimum length of 32 characters',
    cookie: { secure: 'auto' },
  });
}
await app.register(fastifyPassport.initialize());
await app.register(fastifyPassport.secureSession());

fastifyPassport.use(oauth2Strategy());
fastifyPassport.use(oauth1Strategy());
fastifyPassport.registerUserSerializer(async (user) => user);
fastifyPassport.registerUserDeserializer(async (user) => user);

for (const [prefix, name] of Object.entries(ROUTES)) {
  app.get(`/auth/${prefix}`, { preValidation: fastifyPassport.authenticate(name) }, async () => 'redirecting');
  app.get(
    `/auth/${prefix}/callback`,
    { preValidation: fastifyPassport.authenticate(name, { successRedirect: '/me', failureRedirect: '/failed' }) },
    async (_request, reply) => reply.redirect('/me'),
  );
}
app.get('/me', async (request) => ({ user: request.user ?? null }));
app.get('/failed', async (_request, reply) => reply.code(401).send({ failed: true }));
await app.listen({ port, host: '127.0.0.1' });
console.log('listening');
