"""The application's URLs plus one bare Django REST framework endpoint (bench settings only).

`POST /bench/bare-insert/` parses a JSON body, authenticates and authorises exactly as the API does
(the project's default authentication and permission classes), validates one field and inserts one
row with one SQL statement into `bench_bare_insert` (a table the bench creates). It is the
framework's own ceiling for benchmark (c): hazard creation does the same plus the application's
work (scope checks, the service, its events, audit record and idempotency key)."""

from django.db import connection
from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as app_urlpatterns

BARE_TABLE = "bench_bare_insert"
CREATE_BARE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} ("
    "id bigserial PRIMARY KEY, user_id bigint NOT NULL, note text NOT NULL, "
    "created_at timestamptz NOT NULL DEFAULT now())"
)


class BareInput(serializers.Serializer):
    note = serializers.CharField(max_length=200)


class BareInsertView(APIView):
    def post(self, request):
        data = BareInput(data=request.data)
        data.is_valid(raise_exception=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (user_id, note) VALUES (%s, %s) RETURNING id",  # noqa: S608
                [request.user.pk, data.validated_data["note"]],
            )
            (pk,) = cursor.fetchone()
        return Response({"id": pk}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("bench/bare-insert/", BareInsertView.as_view(), name="bench_bare_insert"),
    *app_urlpatterns,
]
