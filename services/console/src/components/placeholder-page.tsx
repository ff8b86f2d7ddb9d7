// A screen not built yet: its title, so the navigation works end to end meanwhile.
import { usePageTitle } from './use-page-title';

export function PlaceholderPage({ title }: { title: string }) {
  usePageTitle(title);
  return (
    <section>
      <h1>{title}</h1>
      <p>This screen is to come.</p>
    </section>
  );
}
