"""SECURITY.md F4 (ASVS 8.3.1): nothing sensitive travels in a URL. Every path and query parameter of
the OpenAPI schema is checked by name: no token, password, secret, one-time code, ID number or
phone (they go in the body or a header, where proxies and logs do not keep them)."""

from __future__ import annotations

import re
import warnings

from drf_spectacular.generators import SchemaGenerator

SENSITIVE = re.compile(
    r"token|passw|secret|otp|totp|credential|api_?key|id_?number|id_?card|phone|mobile|身份证|手机",
    re.IGNORECASE,
)


def _url_parameters() -> list[tuple[str, str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in {"path", "query"}:
                    found.append((f"{method.upper()} {path}", parameter["in"], parameter["name"]))
    return found


def test_no_sensitive_value_is_a_path_or_query_parameter(db):
    parameters = _url_parameters()
    assert len(parameters) > 100  # the walk really covers the API (filters, ids, pages)
    assert [p for p in parameters if SENSITIVE.search(p[2])] == []


def test_the_check_would_see_a_sensitive_name():
    assert SENSITIVE.search("id_number") and SENSITIVE.search("phone") and SENSITIVE.search("token")
    assert not SENSITIVE.search("page_size") and not SENSITIVE.search("region")
