// A contact's profile (issue 17): a placeholder until it is built, so the list's links lead somewhere.
import { Link, useParams } from 'react-router';
import { usePageTitle } from '../../components/use-page-title';

export function ContactProfilePage() {
  const { id } = useParams();
  usePageTitle('Contact');
  return (
    <section>
      <h1>Contact</h1>
      <p>
        The profile of <code>{id}</code> is to come.
      </p>
      <p>
        <Link to="/contacts">Back to contacts</Link>
      </p>
    </section>
  );
}
