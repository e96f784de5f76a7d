"""Personal data at rest (SECURITY.md D1): the ID numbers and phones of people and the phones of pool
experts are SM4-GCM ciphertexts in their columns — raw SQL finds no plaintext —, equality search goes
through the keyed blind index, a damaged ciphertext raises instead of giving a wrong value, the
uniqueness of ID numbers holds on the blind index, and the data migration's steps encrypt and
decrypt existing rows."""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction

from safegrid.core import crypto
from safegrid.core.fields import blind_q, ciphertext_length, decrypt_rows, encrypt_rows
from safegrid.people import services
from safegrid.people.models import Person
from safegrid.people.tests.world import id_number, phone, seed_people
from safegrid.support.models import Expert
from safegrid.support.services import expert_create, expert_update

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def people(world):
    return seed_people(world)


@pytest.fixture
def expert(world):
    return expert_create(actor=world.users["office"], name="邹平", region=world.county, phone="13912345678")


def raw_rows(table: str, *columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def raw_set(table: str, pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def flip_one_byte(token: str, at: int = 20) -> str:
    blob = bytearray(base64.b64decode(token))
    blob[at] ^= 0x01
    return base64.b64encode(bytes(blob)).decode()


# ---- no plaintext in the columns --------------------------------------------------------------


def test_raw_sql_over_the_personal_data_columns_finds_no_id_number_or_phone(world, people, expert, figure):
    # given the world's people (each with an ID number and a phone) and one expert with a phone
    plain = {p.pk: (p.id_number, p.phone) for p in Person.objects.all()}
    assert len(plain) == len(people.persons) == 9
    assert all(i and p for i, p in plain.values())
    # when every column of the two tables is read with raw SQL, bypassing the ORM
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        person_rows = cursor.fetchall()
        cursor.execute("SELECT * FROM support_expert")
        expert_rows = cursor.fetchall()
    cells = [str(v) for row in [*person_rows, *expert_rows] for v in row if v is not None]
    secrets = {v for pair in plain.values() for v in pair} | {"13912345678"}
    # (the pattern scan skips the blind indexes: a hex digest may hold a run of decimal digits)
    hits = [
        c
        for c in cells
        if any(s in c for s in secrets)
        or (not HEX_DIGEST.fullmatch(c) and (ID_PATTERN.search(c) or MOBILE_PATTERN.search(c)))
    ]
    figure(
        "PII",
        "stored rows read by raw SQL (D1)",
        rows=len(person_rows) + len(expert_rows),
        plaintext=len(hits),
    )
    # then no cell holds an ID number or a phone, in any form
    assert hits == []
    # and each column holds the ciphertext of its own value, bound to its field (associated data)
    for pk, id_cipher, phone_cipher in raw_rows("people_person", "id", "id_number", "phone"):
        assert crypto.decrypt_text(id_cipher, aad="people.person.id_number") == plain[pk][0]
        assert crypto.decrypt_text(phone_cipher, aad="people.person.phone") == plain[pk][1]
    [(expert_phone,)] = raw_rows("support_expert", "phone")
    assert crypto.decrypt_text(expert_phone, aad="support.expert.phone") == "13912345678"


def test_the_same_value_encrypts_differently_each_time(world, people):
    # given one person saved twice with the same phone
    person = people.persons["g11_worker"]
    [(first,)] = [(c,) for pk, c in raw_rows("people_person", "id", "phone") if pk == person.pk]
    person.save()
    [(second,)] = [(c,) for pk, c in raw_rows("people_person", "id", "phone") if pk == person.pk]
    # then the ciphertexts differ (fresh nonce), so the column says nothing about equal values
    assert first != second
    assert Person.objects.get(pk=person.pk).phone == phone(3)


def test_an_empty_value_stays_empty_and_has_no_blind_index(world):
    person = services.person_create(
        actor=world.users["office"],
        name="无证件人员",
        source="grid_worker",
        employment="full_time",
        region=world.g11,
    )
    assert raw_rows("people_person", "id_number", "id_number_bidx", "phone", "phone_bidx") == [
        ("", "", "", "")
    ]
    assert list(Person.objects.filter(phone="").values_list("pk", flat=True)) == [person.pk]


def test_the_column_is_wide_enough_for_the_longest_value(world, people):
    # a phone of the full 20 characters (the form's limit) and multi-byte text both fit
    assert ciphertext_length(18) == 136 and ciphertext_length(20) == 148
    assert len(crypto.encrypt_text("中" * 20, aad="people.person.phone")) <= ciphertext_length(20)
    person = people.persons["g12_worker"]
    person.phone = "0797-12345678 ext 90"[:20]
    person.save()  # PostgreSQL would refuse a value longer than the column
    assert Person.objects.get(pk=person.pk).phone == "0797-12345678 ext 90"


# ---- search through the blind index ------------------------------------------------------------


def test_blind_index_equality_search_finds_the_person(world, people):
    g11 = people.persons["g11_worker"]
    found = Person.objects.filter(blind_q(Person, "id_number", id_number(3)))
    assert list(found) == [g11]
    # normalised as the services store it: a lower-case check character, spaces around a phone
    lower = id_number(3)[:-1] + id_number(3)[-1].lower()
    assert list(Person.objects.filter(blind_q(Person, "id_number", lower))) == [g11]
    assert list(Person.objects.filter(blind_q(Person, "phone", f" {phone(3)} "))) == [g11]
    several = Person.objects.filter(
        blind_q(Person, "id_number", [id_number(3), id_number(4), "", id_number(999)])
    )
    assert sorted(several.values_list("pk", flat=True)) == sorted([g11.pk, people.persons["g12_worker"].pk])
    # an empty value finds nobody (it is not "people without an ID number")
    assert list(Person.objects.filter(blind_q(Person, "id_number", ""))) == []


def test_the_blind_index_is_keyed_per_field(world, people, expert):
    person = people.persons["g11_worker"]
    [(stored,)] = [(b,) for pk, b in raw_rows("people_person", "id", "phone_bidx") if pk == person.pk]
    assert stored == crypto.blind_index(phone(3), purpose="person.phone")
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert stored != crypto.sm3(phone(3).encode()).hex()  # keyed: not a plain hash anyone can compute
    # the same number as an expert's phone gets another digest (another purpose)
    expert_update(actor=world.users["office"], expert=expert, data={"phone": phone(3)})
    [(expert_digest,)] = raw_rows("support_expert", "phone_bidx")
    assert expert_digest == crypto.blind_index(phone(3), purpose="expert.phone") != stored
    assert list(Expert.objects.filter(blind_q(Expert, "phone", phone(3)))) == [expert]


def test_an_encrypted_column_refuses_lookups_by_value(world, people):
    # equality with a value could never match (random nonce): it is an error, not an empty answer
    with pytest.raises(FieldError, match="blind index"):
        list(Person.objects.filter(id_number=id_number(3)))
    with pytest.raises(FieldError):
        list(Person.objects.filter(phone__icontains="139"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(id_number__startswith="3607"))
    assert Person.objects.exclude(phone="").count() == 9


def test_editing_a_phone_keeps_its_blind_index_in_step(world, people, expert):
    # given a person whose phone changes through the service, and one saved with update_fields only
    person = people.persons["g11_worker"]
    services.person_update(actor=world.users["office"], person=person, phone="13800000003")
    person.refresh_from_db()
    person.phone = "13800000033"
    person.save(update_fields=["phone"])
    # and an expert whose phone changes through expert_update (which saves with update_fields)
    expert_update(actor=world.users["office"], expert=expert, data={"phone": "13700000001"})
    # then the blind indexes follow: the new values are found, the old ones are not
    assert list(Person.objects.filter(blind_q(Person, "phone", "13800000033"))) == [person]
    assert list(Person.objects.filter(blind_q(Person, "phone", "13800000003"))) == []
    assert list(Person.objects.filter(blind_q(Person, "phone", phone(3)))) == []
    assert list(Expert.objects.filter(blind_q(Expert, "phone", "13700000001"))) == [expert]
    assert list(Expert.objects.filter(blind_q(Expert, "phone", "13912345678"))) == []


def test_a_row_loaded_with_only_some_fields_keeps_its_blind_index_when_saved(world, people):
    pk = people.persons["g12_worker"].pk
    partial = Person.objects.only("id", "phone").get(pk=pk)
    partial.phone = "13800000044"
    partial.save()
    assert list(
        Person.objects.filter(blind_q(Person, "phone", "13800000044")).values_list("pk", flat=True)
    ) == [pk]


# ---- integrity -----------------------------------------------------------------------------------


def test_a_flipped_ciphertext_byte_raises_when_the_row_is_read(world, people):
    person = people.persons["g11_worker"]
    [(cipher,)] = [(c,) for pk, c in raw_rows("people_person", "id", "id_number") if pk == person.pk]
    raw_set("people_person", person.pk, "id_number", flip_one_byte(cipher))
    with pytest.raises(crypto.CryptoError, match="integrity"):
        Person.objects.get(pk=person.pk)
    with pytest.raises(crypto.CryptoError):
        list(Person.objects.filter(pk=person.pk).values_list("id_number", flat=True))
    # the other rows and the other columns still read
    assert Person.objects.filter(pk=person.pk).values_list("name", flat=True).get() == "横水网格员丙"


def test_a_ciphertext_moved_to_another_field_does_not_decrypt(world, people):
    # the associated data names the field: an ID number's ciphertext pasted into the phone column fails
    person = people.persons["g11_worker"]
    [(cipher,)] = [(c,) for pk, c in raw_rows("people_person", "id", "id_number") if pk == person.pk]
    raw_set("people_person", person.pk, "phone", cipher)
    with pytest.raises(crypto.CryptoError):
        Person.objects.get(pk=person.pk)


def test_an_id_number_is_registered_once_through_its_blind_index(world, people):
    # the service refuses a second person with the same ID number (the constraint's message)
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=world.users["office"],
            name="重复人员",
            source="grid_worker",
            employment="full_time",
            region=world.g11,
            id_number=id_number(3),
        )
    assert refused.value.messages == ["该身份证号已登记。"]
    assert Person.objects.count() == 9
    # and the database refuses it too, whatever the code path (same digest, different ciphertext)
    duplicate = Person.objects.get(pk=people.persons["g12_worker"].pk)
    duplicate.id_number = id_number(3)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


# ---- the data migration's steps -------------------------------------------------------------------


def test_the_migration_encrypts_plain_rows_and_fills_their_indexes_once(world, people):
    # given rows as they were before the migration: plain values, no blind index
    pk = people.persons["g11_worker"].pk
    raw_set("people_person", pk, "id_number", id_number(3))
    raw_set("people_person", pk, "phone", phone(3))
    raw_set("people_person", pk, "phone_bidx", "")
    editor = SimpleNamespace(connection=connection)
    # when the forward step runs (twice: it must be repeatable)
    changed = encrypt_rows(apps, editor, model="people.Person", fields=["id_number", "phone"])
    again = encrypt_rows(apps, editor, model="people.Person", fields=["id_number", "phone"])
    # then only that row changed, it holds ciphertexts, and the blind index finds it
    assert (changed, again) == (1, 0)
    [(id_cipher, phone_cipher)] = [
        (i, p) for k, i, p in raw_rows("people_person", "id", "id_number", "phone") if k == pk
    ]
    assert id_number(3) not in id_cipher and phone(3) not in phone_cipher
    assert list(Person.objects.filter(blind_q(Person, "phone", phone(3))).values_list("pk", flat=True)) == [
        pk
    ]
    # and the reverse step writes the plain values back
    assert decrypt_rows(apps, editor, model="people.Person", fields=["id_number", "phone"]) == 9
    assert (pk, id_number(3), phone(3)) in raw_rows("people_person", "id", "id_number", "phone")
