"""The password policy of Pemda users, on top of Django's validators (``AUTH_PASSWORD_VALIDATORS``:
at least 12 characters, not like the user name, not a common password, not only digits)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Kata sandi harus memuat sedikitnya %(n)d dari empat jenis karakter: huruf kecil, huruf besar, "
            "angka, simbol."
        ) % {"n": self.min_classes}
