// The Segments screen (issue 17); a placeholder until it is built. It owns every route under /console/segments/.
import { PlaceholderPage } from '../../components/placeholder-page';

export function SegmentsPage() {
  return <PlaceholderPage title="Segments" />;
}
