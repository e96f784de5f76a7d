"""Database guard for issued enforcement documents (SECURITY.md D4), PostgreSQL only.

A trigger refuses any UPDATE that changes an issued row (every column except `updated_at`; a column
added later is frozen too until it is listed here) and any DELETE of one, and refuses changes to an
issued document's hazard links. Raised as SQLSTATE 23000 (integrity_constraint_violation), so Django
reports an IntegrityError. SQLite has no such triggers in our setup: there the services and the
seal (`document_verify_seal`) are the guards.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION enforcement_document_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'issued' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '已签发的执法文书 % 不可删除。', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at') THEN
        RAISE EXCEPTION '已签发的执法文书 % 不可修改，请制作更正文书。', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER enforcement_document_immutable
    BEFORE UPDATE OR DELETE ON enforcement_enforcementdocument
    FOR EACH ROW EXECUTE FUNCTION enforcement_document_guard();

CREATE OR REPLACE FUNCTION enforcement_document_hazards_guard() RETURNS trigger AS $$
DECLARE
    doc_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        doc_id := OLD.enforcementdocument_id;
    ELSE
        doc_id := NEW.enforcementdocument_id;
    END IF;
    IF EXISTS (SELECT 1 FROM enforcement_enforcementdocument WHERE id = doc_id AND status = 'issued')
       OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM enforcement_enforcementdocument
            WHERE id = OLD.enforcementdocument_id AND status = 'issued')) THEN
        RAISE EXCEPTION '已签发的执法文书的关联隐患不可修改。'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER enforcement_document_hazards_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON enforcement_enforcementdocument_hazards
    FOR EACH ROW EXECUTE FUNCTION enforcement_document_hazards_guard();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS enforcement_document_hazards_immutable ON enforcement_enforcementdocument_hazards;
DROP FUNCTION IF EXISTS enforcement_document_hazards_guard();
DROP TRIGGER IF EXISTS enforcement_document_immutable ON enforcement_enforcementdocument;
DROP FUNCTION IF EXISTS enforcement_document_guard();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # the SQL holds literal % signs

    return run


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(REVERSE), elidable=False)]
