"""Password rules with Chinese messages (Django 5.2's zh-Hans catalogue lacks some of them).

MLPS level 2 (SECURITY.md A2): 12 to 128 characters, at least 3 of the 4 character classes, not a
common password, not similar to the account's own data, not all digits."""

from __future__ import annotations

import unicodedata

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def __init__(self, min_length: int = 12):
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


class MaximumLengthValidator:
    """At most `max_length` characters: a longer "password" is an attack on the hasher, not a secret."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(self.get_error_message(), code="password_too_long")

    def get_error_message(self) -> str:
        return _("密码太长，最多 %(max_length)d 个字符。") % {"max_length": self.max_length}

    def get_help_text(self) -> str:
        return _("最多 %(max_length)d 个字符。") % {"max_length": self.max_length}


def character_class(char: str) -> str:
    """'upper', 'lower', 'digit' or 'other' by Unicode category: a Chinese character or a symbol is
    'other' (it widens the search space like punctuation does); 'Ａ' is an upper-case letter."""
    category = unicodedata.category(char)
    if category == "Lu":
        return "upper"
    if category == "Ll":
        return "lower"
    if category == "Nd":
        return "digit"
    return "other"


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return len({character_class(c) for c in password})

    def validate(self, password: str, user=None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(min_classes)d 类。") % {
            "min_classes": self.min_classes
        }

    def get_help_text(self) -> str:
        return self.get_error_message()


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "email", "phone")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7):
        # Django binds its own attribute list as the default argument; ours names our fields.
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return _("密码与账号信息（%(verbose_name)s）过于相似。")

    def get_help_text(self) -> str:
        return _("不能与账号的其他信息相似。")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("这个密码太常见，容易被猜到。")

    def get_help_text(self) -> str:
        return _("不能是常用密码。")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("密码不能全部是数字。")

    def get_help_text(self) -> str:
        return _("不能全部是数字。")
