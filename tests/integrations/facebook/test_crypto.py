import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from integrations.facebook import crypto
from integrations.facebook.models import FacebookPage
from tests.integrations.facebook.factories import FacebookPageFactory

pytestmark = pytest.mark.django_db
SECRET_TOKEN = "EAAB-super-secret-page-token-4242"


def _table_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM facebook_facebookpage AS t")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_token_is_never_in_the_table_in_plaintext(office):
    FacebookPageFactory(office=office, token=SECRET_TOKEN)

    assert SECRET_TOKEN not in _table_text()
    assert FacebookPage.objects.get().access_token == SECRET_TOKEN


def test_repr_and_str_never_show_the_token(office):
    page = FacebookPageFactory(office=office, token=SECRET_TOKEN)

    assert SECRET_TOKEN not in repr(page)
    assert SECRET_TOKEN not in str(page)


def test_rotation_reencrypts_every_token_with_the_first_key(office, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    FacebookPageFactory(office=office, token=SECRET_TOKEN)
    before = FacebookPage.objects.get().token_ciphertext
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("rotate_encryption_keys", verbosity=0)

    page = FacebookPage.objects.get()
    assert page.token_ciphertext != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert page.access_token == SECRET_TOKEN
    assert SECRET_TOKEN not in _table_text()


def test_a_token_encrypted_with_an_unknown_key_fails_without_revealing_anything(settings):
    ciphertext = crypto.encrypt(SECRET_TOKEN)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(crypto.TokenDecryptionError) as excinfo:
        crypto.decrypt(ciphertext)

    assert SECRET_TOKEN not in str(excinfo.value)
    assert ciphertext not in str(excinfo.value)


def test_the_keys_are_not_the_secret_key(settings):
    ciphertext = crypto.encrypt(SECRET_TOKEN)

    settings.SECRET_KEY = "something-else-entirely"

    assert crypto.decrypt(ciphertext) == SECRET_TOKEN
