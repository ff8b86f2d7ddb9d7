// The Imports screen (issue 17): start an import (file, column mapping), follow one to its end,
// list recent imports, export contacts to CSV. It owns every route under /console/imports/.
import { Route, Routes } from 'react-router';
import { usePageTitle } from '../../components/use-page-title';
import { ExportPanel } from './export-panel';
import { ImportProgressPage } from './import-progress-page';
import { NewImport } from './new-import';
import { RecentImports } from './recent-imports';
import './imports.css';

function ImportsHome() {
  usePageTitle('Imports and exports');
  return (
    <section className="imports">
      <h1>Imports and exports</h1>
      <NewImport />
      <RecentImports />
      <ExportPanel />
    </section>
  );
}

export function ImportsPage() {
  return (
    <Routes>
      <Route index element={<ImportsHome />} />
      <Route path=":id" element={<ImportProgressPage />} />
    </Routes>
  );
}
