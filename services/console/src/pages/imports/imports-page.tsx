// The Imports screen (issue 17); a placeholder until it is built. It owns every route under /console/imports/.
import { PlaceholderPage } from '../../components/placeholder-page';

export function ImportsPage() {
  return <PlaceholderPage title="Imports" />;
}
