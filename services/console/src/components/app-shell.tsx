// The frame of every signed-in screen: a skip link, the header with the navigation and sign-out,
// and the <main> the skip link jumps to. Plain links and buttons, so the keyboard reaches all.
import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router';
import { signOut } from '../session/session';

/** The screens in the navigation, in order: a new screen adds its line here and its route in app.tsx. */
export const NAVIGATION = [
  { to: '/contacts', label: 'Contacts' },
  { to: '/tags', label: 'Tags' },
  { to: '/labels', label: 'Labels' },
  { to: '/segments', label: 'Segments' },
  { to: '/imports', label: 'Imports' },
  { to: '/analytics', label: 'Analytics' },
] as const;

export function AppShell({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Segmenter</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="sign-out"
          onClick={() => {
            signOut();
            void navigate('/sign-in');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
