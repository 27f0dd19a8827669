// Helpers shared by the resources/*.mjs modules (this directory is not
// scanned by check.mjs).
import assert from 'node:assert/strict';

// apiError awaits promise and returns the ClerkAPIResponseError
// @clerk/backend rejected it with, failing if it succeeded or failed
// otherwise.
export async function apiError(promise) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'want a ClerkAPIResponseError, the call succeeded');
  assert.equal(err.clerkError, true, `not a ClerkAPIResponseError: ${err?.stack ?? err}`);
  return err;
}

// rejectsWith asserts that promise is rejected with this status and first
// error code (and meta.paramName when given), and returns "status code"
// for the check's detail line.
export async function rejectsWith(promise, status, code, paramName) {
  const err = await apiError(promise);
  assert.equal(err.status, status, JSON.stringify(err.errors));
  assert.equal(err.errors?.[0]?.code, code, JSON.stringify(err.errors));
  if (paramName !== undefined) assert.equal(err.errors[0].meta?.paramName, paramName, JSON.stringify(err.errors));
  return `${status} ${code}`;
}

// ids maps a list of decoded objects to their ids, for deepEqual.
export const ids = (list) => list.map((x) => x.id);

// hostedSignInStatus posts localclerk's hosted sign-in form and returns
// the status: 303 on to the app when signed in, 403 when the account or
// its identifier is refused.
export async function hostedSignInStatus(fapi, email, password) {
  const res = await fetch(`${fapi}/sign-in`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ email, password }) });
  await res.arrayBuffer();
  return res.status;
}
