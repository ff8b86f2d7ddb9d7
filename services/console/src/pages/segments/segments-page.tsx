// The Segments screen: the saved segments with their counts (/console/segments), and the builder
// for a new one (/segments/new) or a saved one (/segments/:id). It owns every route under /console/segments/.
import { Route, Routes } from 'react-router';
import { SegmentBuilderPage } from './segment-builder-page';
import { SegmentsListPage } from './segments-list-page';
import './segments.css';

export function SegmentsPage() {
  return (
    <Routes>
      <Route index element={<SegmentsListPage />} />
      <Route path="new" element={<SegmentBuilderPage key="new" />} />
      <Route path=":id" element={<SegmentBuilderPage />} />
    </Routes>
  );
}
