import { test, expect } from '@playwright/test';
import { clerk, setupClerkTestingToken } from '@clerk/testing/playwright';
import { createClerkClient } from '@clerk/backend';

const backend = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl: process.env.CLERK_API_URL });
const shots = process.env.PLAYWRIGHT_OUTPUT || 'test-results';

// signedInAs waits for the page to render signed in and for the Go API,
// called with a Bearer token from getToken(), to name the user.
async function signedInAs(page, userId, shot) {
  await expect(page.locator('#signed-in')).toHaveText('You are signed in.');
  await expect(page.locator('#api-user-id')).toHaveText(userId);
  await page.screenshot({ path: `${shots}/${shot}.png` });
}

async function signOut(page) {
  await clerk.signOut({ page });
  await expect(page.locator('#signed-out')).toBeVisible();
}

test('password sign-in', async ({ page }) => {
  await setupClerkTestingToken({ page });
  await page.goto('/');
  await clerk.signIn({
    page,
    signInParams: { strategy: 'password', identifier: 'alice@example.com', password: 'alice-password' },
  });
  await signedInAs(page, 'user_demo_alice', 'password-signed-in');
  await signOut(page);
});

test('email code sign-in with a +clerk_test address', async ({ page }) => {
  // Clerk's test addresses take the fixed code 424242.
  const email = `pw-${Date.now()}+clerk_test@example.com`;
  const user = await backend.users.createUser({ emailAddress: [email], skipPasswordRequirement: true });
  await page.goto('/');
  await clerk.signIn({ page, signInParams: { strategy: 'email_code', identifier: email } });
  await signedInAs(page, user.id, 'email-code-signed-in');
  await signOut(page);
});

test('ticket sign-in from a Backend API sign-in token', async ({ page }) => {
  const bob = (await backend.users.getUserList({ emailAddress: ['bob@example.com'] })).data[0];
  const token = await backend.signInTokens.createSignInToken({ userId: bob.id, expiresInSeconds: 300 });
  await page.goto('/');
  await clerk.signIn({ page, signInParams: { strategy: 'ticket', ticket: token.token } });
  await signedInAs(page, bob.id, 'ticket-signed-in');
  await signOut(page);
});

test('the testing token is fetched from localclerk', async () => {
  expect(process.env.CLERK_TESTING_TOKEN).toMatch(/^\d+-\w+$/);
  expect(process.env.CLERK_FAPI).toBe(new URL(process.env.CLERK_API_URL).host);
});
