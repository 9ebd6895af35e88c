"""Second-factor secrets encrypted at rest (security review, finding 10).

allauth stores each authenticator's TOTP secret and recovery-code seed in the database,
in clear text unless its MFA adapter encrypts them. Clear secrets end up in every backup:
whoever reads a dump can make any staff member's codes. Here they are encrypted with
Fernet (AES-128-CBC and HMAC-SHA256) under MFA_ENCRYPTION_KEY, which lives in the
environment, never in the database or its backups.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

PREFIX = "fernet:"


@cache
def _fernet(key: str) -> Fernet:
    # Any string makes a key: its SHA-256, as Fernet wants 32 url-safe base64 bytes.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def encrypt_secret(text: str) -> str:
    return PREFIX + _fernet(settings.MFA_ENCRYPTION_KEY).encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption; the migration encrypts these
    return _fernet(settings.MFA_ENCRYPTION_KEY).decrypt(stored[len(PREFIX) :].encode()).decode()


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
