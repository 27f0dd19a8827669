import { useEffect, useState } from 'react';
import { Show, SignIn, UserButton, OrganizationSwitcher, useAuth } from '@clerk/react';

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

export default function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '2rem auto' }}>
      <h1>goclerk + React</h1>
      <Show when="signed-out">
        <p id="signed-out">Sign in with a demo user (alice@example.com / alice-password).</p>
        <SignIn routing="hash" />
      </Show>
      <Show when="signed-in">
        <header style={{ display: 'flex', gap: '1rem', alignItems: 'center' }}>
          <UserButton />
          <OrganizationSwitcher />
        </header>
        <h2 id="signed-in">You are signed in.</h2>
        <ApiUser />
      </Show>
    </main>
  );
}
