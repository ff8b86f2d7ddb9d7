// The Labels screen (issue 17); a placeholder until it is built. It owns every route under /console/labels/.
import { PlaceholderPage } from '../../components/placeholder-page';

export function LabelsPage() {
  return <PlaceholderPage title="Labels" />;
}
