// The name the business saved the customer under in its phone's address
// book (WhatsApp Business app), in the panel's details.
import type { Contact } from '../api/contacts';
import { t } from '../i18n';
import { str } from './model';

export function AddressBookName({ c }: { c: Contact }) {
  const name = str(c.address_book_name);
  if (!name) return null;
  return <p class="address-book-name" data-testid="address-book-name">{t('panel.addressBook', { name })}</p>;
}
