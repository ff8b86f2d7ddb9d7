// The console's routes under /console/: sign-in is open, every other screen needs a session key.
// Each screen owns its folder under pages/ and every route below its path (`tags/*`).
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AppShell } from './components/app-shell';
import { AnalyticsPage } from './pages/analytics/analytics-page';
import { ContactsRoutes } from './pages/contacts/contacts-routes';
import { ImportsPage } from './pages/imports/imports-page';
import { LabelsPage } from './pages/labels/labels-page';
import { SegmentsPage } from './pages/segments/segments-page';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { TagsPage } from './pages/tags/tags-page';
import { useSessionKey } from './session/session';

function RequireSession({ children }: { children: ReactNode }) {
  const key = useSessionKey();
  const location = useLocation();
  if (!key) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <AppShell>{children}</AppShell>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        path="/contacts/*"
        element={
          <RequireSession>
            <ContactsRoutes />
          </RequireSession>
        }
      />
      <Route
        path="/tags/*"
        element={
          <RequireSession>
            <TagsPage />
          </RequireSession>
        }
      />
      <Route
        path="/labels/*"
        element={
          <RequireSession>
            <LabelsPage />
          </RequireSession>
        }
      />
      <Route
        path="/segments/*"
        element={
          <RequireSession>
            <SegmentsPage />
          </RequireSession>
        }
      />
      <Route
        path="/imports/*"
        element={
          <RequireSession>
            <ImportsPage />
          </RequireSession>
        }
      />
      <Route
        path="/analytics/*"
        element={
          <RequireSession>
            <AnalyticsPage />
          </RequireSession>
        }
      />
      <Route path="*" element={<Navigate to="/contacts" replace />} />
    </Routes>
  );
}
