"""Encrypt the second-factor secrets written in clear before accounts.mfa existed."""

from django.db import migrations

FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def _convert(apps, forward: bool) -> None:
    from accounts.mfa import PREFIX, decrypt_secret, encrypt_secret

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=FIELDS):
        field = FIELDS[authenticator.type]
        value = authenticator.data.get(field)
        if not isinstance(value, str):
            continue
        if forward and not value.startswith(PREFIX):
            authenticator.data[field] = encrypt_secret(value)
        elif not forward and value.startswith(PREFIX):
            authenticator.data[field] = decrypt_secret(value)
        else:
            continue
        authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor) -> None:
    _convert(apps, forward=True)


def decrypt(apps, schema_editor) -> None:
    _convert(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_export_record"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
