// The Tags screen (issue 17); a placeholder until it is built. It owns every route under /console/tags/.
import { PlaceholderPage } from '../../components/placeholder-page';

export function TagsPage() {
  return <PlaceholderPage title="Tags" />;
}
