// The Analytics screen (issue 17); a placeholder until it is built. It owns every route under /console/analytics/.
import { PlaceholderPage } from '../../components/placeholder-page';

export function AnalyticsPage() {
  return <PlaceholderPage title="Analytics" />;
}
