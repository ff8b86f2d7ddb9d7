// Sign-in: the key is checked by one cheap authenticated read (a one-contact page) before it is
// kept for the session; a refused key shows the API's problem and is not kept.
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { type Problem, problemOf, unwrap } from '../../api/problem';
import { ProblemView } from '../../components/problem-view';
import { usePageTitle } from '../../components/use-page-title';
import { signIn, useSessionKey } from '../../session/session';

export function SignInPage() {
  usePageTitle('Sign in');
  const key = useSessionKey();
  const navigate = useNavigate();
  const location = useLocation();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [checking, setChecking] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/contacts';
  if (key) return <Navigate to={from} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecking(true);
    setProblem(null);
    try {
      const candidate = apiKey.trim();
      await unwrap(api.GET('/v1/contacts', { params: { query: { limit: 1 } }, headers: { 'x-api-key': candidate } }));
      signIn(candidate);
      void navigate(from, { replace: true });
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setChecking(false);
    }
  }

  return (
    <main id="content" className="sign-in">
      <h1>Segmenter console</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <p id="sign-in-help">Sign in with an API key of your workspace. It is kept for this browser session only.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" required value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ProblemView problem={problem} />
    </main>
  );
}
