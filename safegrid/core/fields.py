"""Personal data at rest (SECURITY.md D1): an encrypted text field and its blind index.

`EncryptedTextField` keeps a text encrypted in its column (SM4-GCM through `crypto.encrypt_text`, base64,
the model field's label — "people.person.id_number" — as associated data, so a ciphertext copied into
another field or table fails its tag check) and gives the plain value in Python. The empty string stays
empty (so "has no phone" is still a plain `= ''`). Because every encryption draws a fresh nonce, the
column cannot be searched: the field refuses every lookup except `isnull` and equality with "".

`BlindIndexField` is the searchable sibling `<field>_bidx`: a keyed HMAC-SM3 digest of the normalised
value (`crypto.blind_index`, one purpose per field), always derived from the encrypted field's current
value — reading it recomputes it from the plain value on the instance, so `full_clean` (unique
constraints), `save` and `bulk_create` see it in step with the value it indexes. Search by value with
`blind_q(Model, "id_number", value)`. Models with blind indexes derive from `BlindIndexedModel`, so that
`save(update_fields=…)` keeps the index; `QuerySet.update()` bypasses the instance: name the `_bidx`
column there too (the data migrations do).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact
from django.db.models.query_utils import DeferredAttribute
from django.utils.datastructures import DictWrapper

from . import crypto

# Associated data and layout of crypto.encrypt_text: version byte, 12-byte nonce, 16-byte tag.
_OVERHEAD_BYTES = 1 + crypto.NONCE_BYTES + crypto.TAG_BYTES


def ciphertext_length(max_chars: int) -> int:
    """Width of the column holding the base64 ciphertext of at most `max_chars` characters (UTF-8:
    up to 4 bytes each)."""
    return 4 * math.ceil((_OVERHEAD_BYTES + 4 * max_chars) / 3)


class _EmptyOnlyExact(Exact):
    """`field = ''` (no value) is answerable; equality with a value is not (random nonce)."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: look it up through its blind index "
                "(safegrid.core.fields.blind_q)."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.CharField):
    """A short text stored SM4-GCM encrypted. `max_length` limits the plain value (forms, full_clean);
    the column is sized for its ciphertext."""

    description = "Text encrypted at rest (SM4-GCM)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    @property
    def aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def db_type_parameters(self, connection):
        return DictWrapper(
            {**self.__dict__, "max_length": ciphertext_length(self.max_length)},
            connection.ops.quote_name,
            "qn_",
        )

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value, aad=self.aad)  # CryptoError if damaged or not ours

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value, aad=self.aad)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # FieldError "Unsupported lookup": an encrypted column cannot be searched


# Normalisation before indexing: the same person typed two ways must give the same digest.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "text": lambda value: value.strip(),
    "id_number": lambda value: re.sub(r"\s", "", value).upper(),
    "phone": lambda value: re.sub(r"[\s\-()]", "", value),
}


class _BlindIndexAttribute(DeferredAttribute):
    """Reads give the digest of the source field's current value when that value is loaded;
    otherwise the stored digest (e.g. `.only("id_number_bidx")`)."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        source = self.field.source
        if source in instance.__dict__:
            return self.field.digest(instance.__dict__[source])
        return super().__get__(instance, cls)

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class BlindIndexField(models.CharField):
    """The keyed digest (hex) of another field's normalised value, for equality search; "" when the
    value is empty. Not editable: it follows its source."""

    descriptor_class = _BlindIndexAttribute

    def __init__(self, *args, source: str, purpose: str, normaliser: str = "text", **kwargs):
        if normaliser not in NORMALISERS:
            raise ValueError(f"unknown normaliser {normaliser!r}")
        self.source, self.purpose, self.normaliser = source, purpose, normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose, normaliser=self.normaliser)
        for key, default in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def digest(self, value: str | None) -> str:
        value = NORMALISERS[self.normaliser](value or "")
        return crypto.blind_index(value, purpose=self.purpose) if value else ""


class BlindIndexedModel(models.Model):
    """Base of a model with blind indexes: `save(update_fields=[...])` naming an indexed field saves its
    `_bidx` too (storage plumbing, not domain logic: the index must never lag its value)."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        indexes = [f for f in self._meta.concrete_fields if isinstance(f, BlindIndexField)]
        if update_fields is not None:
            names = set(update_fields)
            names.update(f.name for f in indexes if f.source in names)
            update_fields = names
        for field in indexes:
            # A row loaded with `.only(...)` saves its loaded fields: an index left deferred while its
            # source was loaded counts as loaded (the descriptor gives the current digest).
            if field.source in self.__dict__ and field.attname not in self.__dict__:
                self.__dict__[field.attname] = ""
        super().save(*args, update_fields=update_fields, **kwargs)


def blind_index_field(model, source: str) -> BlindIndexField:
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndexField) and field.source == source:
            return field
    raise FieldError(f"{model._meta.label}.{source} has no blind index")


def blind_q(model, source: str, value: str | Iterable[str]) -> Q:
    """The rows whose `source` equals the value (or one of the values), through the blind index. An
    empty value matches nothing (it is not a search for rows without one)."""
    field = blind_index_field(model, source)
    values = [value] if isinstance(value, str) else list(value)
    digests = sorted({d for d in (field.digest(v) for v in values) if d})
    if not digests:
        return Q(pk__in=[])
    if len(digests) == 1:
        return Q(**{field.attname: digests[0]})
    return Q(**{f"{field.attname}__in": digests})


# ---- data migrations ------------------------------------------------------------------------------


def _pairs(model, fields: Iterable[str]) -> list[tuple[EncryptedTextField, BlindIndexField | None]]:
    pairs = []
    for name in fields:
        field = model._meta.get_field(name)
        try:
            index = blind_index_field(model, name)
        except FieldError:
            index = None
        pairs.append((field, index))
    return pairs


def _is_ciphertext(field: EncryptedTextField, value: str) -> bool:
    try:
        crypto.decrypt_text(value, aad=field.aad)
    except crypto.CryptoError:
        return False
    return True


def encrypt_rows(apps, schema_editor, *, model: str, fields: Iterable[str]) -> int:
    """Forward data migration: encrypt the plain values already in the columns (read with raw SQL, as
    the field would try to decrypt them) and fill their blind indexes. Rows already encrypted are left
    as they are, so the step can be repeated. Returns the number of rows changed."""
    Model = apps.get_model(model)
    pairs = _pairs(Model, fields)
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    columns = ", ".join(qn(field.column) for field, _index in pairs)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(Model._meta.pk.column)}, {columns} FROM {qn(Model._meta.db_table)}")  # noqa: S608 - quoted names  # nosec B608
        rows = cursor.fetchall()
    changed = 0
    for pk, *values in rows:
        update = {}
        for (field, index), value in zip(pairs, values, strict=True):
            if not value or _is_ciphertext(field, value):
                continue
            update[field.attname] = value
            if index is not None:
                update[index.attname] = index.digest(value)
        if update:
            Model._default_manager.filter(pk=pk).update(**update)
            changed += 1
    return changed


def decrypt_rows(apps, schema_editor, *, model: str, fields: Iterable[str]) -> int:
    """Reverse data migration: write the plain values back (raw SQL, the field would encrypt them)."""
    Model = apps.get_model(model)
    pairs = _pairs(Model, fields)
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(field.column)} = %s" for field, _index in pairs)
    sql = f"UPDATE {qn(Model._meta.db_table)} SET {assignments} WHERE {qn(Model._meta.pk.column)} = %s"  # noqa: S608 - quoted names  # nosec B608
    changed = 0
    with connection.cursor() as cursor:
        for pk, *values in Model._default_manager.values_list("pk", *(f.name for f, _i in pairs)):
            cursor.execute(sql, [*values, pk])
            changed += 1
    return changed
