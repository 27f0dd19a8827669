// An Express app configured by nothing but its environment: clerkMiddleware()
// with no options reads CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY,
// CLERK_API_URL and CLERK_JWT_KEY, as localclerk's -env-file sets them.
// check.mjs starts it from bash after `set -a; . <env file>`. It prints its
// URL and serves until its standard input closes.
import { clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

const app = express();
app.use(clerkMiddleware());
app.get('/whoami', (req, res) => res.json(getAuth(req)));
const server = app.listen(0, '127.0.0.1', () => console.log(`app http://127.0.0.1:${server.address().port}`));
process.stdin.on('end', () => server.close());
process.stdin.resume();
