import { useEffect, useState } from 'react';
import {
  Show,
  SignIn,
  SignUp,
  UserButton,
  OrganizationSwitcher,
  OrganizationProfile,
  OrganizationList,
  CreateOrganization,
  Waitlist,
  OAuthConsent,
  APIKeys,
  useAuth,
  useReverification,
} from '@clerk/react';
import { isReverificationCancelledError } from '@clerk/react/errors';

const apiURL = import.meta.env.VITE_API_URL || 'http://127.0.0.1:3020';

// ApiUser shows what the Go API says about the caller, asked with the
// session token as a Bearer token.
function ApiUser() {
  const { getToken, sessionId, orgId } = useAuth();
  const [state, setState] = useState({ loading: true });
  const [asked, setAsked] = useState(0); // bumped by "Ask again"
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const res = await fetch(`${apiURL}/api/me`, {
          headers: { Authorization: `Bearer ${await getToken()}` },
        });
        const body = await res.json();
        if (!cancelled) setState(res.ok ? { me: body } : { error: `${res.status}: ${body.error}` });
      } catch (err) {
        if (!cancelled) setState({ error: String(err) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [getToken, sessionId, orgId, asked]);

  if (state.loading) return <p>Asking the Go API…</p>;
  if (state.error) return <p id="api-error">The Go API refused: {state.error}</p>;
  return (
    <dl id="api-me">
      <dt>User id (from the Go API)</dt>
      <dd id="api-user-id">{state.me.user_id}</dd>
      <dt>E-mail (the Go API asked the Backend API)</dt>
      <dd id="api-email">{state.me.email}</dd>
      <dt>First name (Backend API)</dt>
      <dd id="api-first-name">{state.me.first_name}</dd>
      <dt>Organization</dt>
      <dd id="api-org-id">{state.me.org_id}</dd>
      <dd><button id="api-refresh" onClick={() => setAsked(n => n + 1)}>Ask the Go API again</button></dd>
    </dl>
  );
}

// SensitiveAction calls the Go API's POST /api/sensitive, which wants a
// verification in the last 10 minutes. useReverification wraps the call:
// when the Go API answers Clerk's reverification error, it opens
// <UserVerification/> (password, or the authenticator app for a user with
// one) and, once the user has verified, calls again. The token is fetched
// afresh (skipCache) so that it carries the session's current
// verification age.
function SensitiveAction() {
  const { getToken } = useAuth();
  const [state, setState] = useState(null);
  const callSensitive = useReverification(async () => {
    const res = await fetch(`${apiURL}/api/sensitive`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await getToken({ skipCache: true })}` },
    });
    return res.json();
  });
  const run = async () => {
    setState({ running: true });
    try {
      const body = await callSensitive();
      setState(body.done ? { done: body } : { error: JSON.stringify(body) });
    } catch (err) {
      setState({ error: isReverificationCancelledError(err) ? 'verification cancelled' : String(err) });
    }
  };
  return (
    <section>
      <h3>Sensitive action</h3>
      <p>The Go API runs it only if you verified in the last 10 minutes; otherwise Clerk asks you to verify again.</p>
      <button id="sensitive-action" onClick={run} disabled={state?.running}>Do the sensitive thing</button>
      {state?.done && <p id="sensitive-result">Done for {state.done.user_id}</p>}
      {state?.error && <p id="sensitive-error">Refused: {state.error}</p>}
    </section>
  );
}

// Page is the signed-in page for the path: the Go API's answer on /, and
// Clerk's organization components on their own pages.
function Page({ path }) {
  switch (path) {
    case '/organization':
      return <OrganizationProfile routing="hash" afterLeaveOrganizationUrl="/organizations" />;
    case '/organizations':
      return (
        <OrganizationList
          hidePersonal={false}
          afterSelectOrganizationUrl="/organization"
          afterCreateOrganizationUrl="/organization"
        />
      );
    // The consent screen of Clerk as an OAuth provider: it reads client_id,
    // scope and redirect_uri from the URL, asks the Frontend API what to
    // show and posts the user's answer there (docs/oauth-provider.md).
    case '/oauth-consent':
      return <OAuthConsent />;
    case '/api-keys':
      // Needs API keys on in the instance settings (localclerk's
      // settings file: "api_keys": {"user": true}); the keys work at the
      // Go API's GET /api/key.
      return <APIKeys />;
    case '/create-organization':
      return <CreateOrganization routing="hash" skipInvitationScreen afterCreateOrganizationUrl="/organization" />;
    default:
      return (
        <>
          <h2 id="signed-in">You are signed in.</h2>
          <ApiUser />
          <SensitiveAction />
        </>
      );
  }
}

// An organization invitation's link brings a new user here with
// __clerk_ticket and __clerk_status=sign_up: <SignUp/> redeems the ticket.
// /sign-up shows <SignUp/> to anyone signed out.
const invitedToSignUp = new URLSearchParams(window.location.search).get('__clerk_status') === 'sign_up';

export default function App() {
  const path = window.location.pathname;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 960, margin: '2rem auto' }}>
      <h1>goclerk + React</h1>
      <Show when="signed-out">
        {invitedToSignUp || path === '/sign-up' ? (
          <>
            {invitedToSignUp && <p id="invited">Accept your invitation: create your account.</p>}
            <SignUp routing="hash" />
          </>
        ) : path === '/waitlist' ? (
          // With sign_up_mode "waitlist" in localclerk's settings.
          <Waitlist />
        ) : (
          <>
            <p id="signed-out">Sign in with a demo user (alice@example.com / alice-password).</p>
            <SignIn routing="hash" />
          </>
        )}
      </Show>
      <Show when="signed-in">
        <header style={{ display: 'flex', gap: '1rem', alignItems: 'center' }}>
          <UserButton />
          <OrganizationSwitcher
            organizationProfileMode="navigation"
            organizationProfileUrl="/organization"
            createOrganizationMode="navigation"
            createOrganizationUrl="/create-organization"
          />
          <nav style={{ display: 'flex', gap: '0.75rem' }}>
            <a id="nav-home" href="/">Home</a>
            <a id="nav-organization" href="/organization">Organization</a>
            <a id="nav-organizations" href="/organizations">Organizations</a>
            <a id="nav-create-organization" href="/create-organization">New organization</a>
            <a id="nav-api-keys" href="/api-keys">API keys</a>
          </nav>
        </header>
        <Page path={path} />
      </Show>
    </main>
  );
}
