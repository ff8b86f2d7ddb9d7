// Every route under /console/contacts/: the list, and a contact's profile.
import { Route, Routes } from 'react-router';
import { ContactProfilePage } from './contact-profile-page';
import { ContactsListPage } from './contacts-list-page';

export function ContactsRoutes() {
  return (
    <Routes>
      <Route index element={<ContactsListPage />} />
      <Route path=":id" element={<ContactProfilePage />} />
    </Routes>
  );
}
