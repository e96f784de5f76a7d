"""FieldsBuiltOnce: a serializer's fields are worked out from the model once per class, and every
instance still gets fields of its own."""

from __future__ import annotations

from unittest import mock

from rest_framework import serializers

from safegrid.hazards.api import HazardDetailOutput, HazardOutput


def test_the_model_is_introspected_once_per_class_and_each_class_keeps_its_own_fields(monkeypatch):
    for cls in (HazardOutput, HazardDetailOutput):
        monkeypatch.delattr(cls, "_fields_built_once", raising=False)
    with mock.patch.object(
        serializers.ModelSerializer,
        "get_fields",
        autospec=True,
        side_effect=serializers.ModelSerializer.get_fields,
    ) as introspect:
        first = [HazardOutput().fields for _ in range(3)]
        detail = [HazardDetailOutput().fields for _ in range(3)]
    assert introspect.call_count == 2  # one per class
    assert "events" in detail[0] and "events" not in first[0]
    assert list(first[0]) == list(first[1]) and list(detail[0]) == [*first[0], "events"]


def test_each_instance_gets_fields_of_its_own():
    one, two = HazardOutput(), HazardOutput()
    assert one.fields["number"] is not two.fields["number"]
    label = two.fields["number"].label
    one.fields["number"].label = "改过的"
    assert two.fields["number"].label == HazardOutput().fields["number"].label == label != "改过的"
    assert one.fields["number"].parent is one and two.fields["number"].parent is two
