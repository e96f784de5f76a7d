from django.contrib import admin

from safegrid.core.admin import SystemConfigAdmin
from safegrid.core.admin_site import ReadOnlyAdmin

from .models import DocumentSequence, EnforcementDocument, NumberingRule, Penalty


@admin.register(NumberingRule)
class NumberingRuleAdmin(SystemConfigAdmin):
    """Numbering rules are configuration: the system administrator sets them, audited."""

    audit_entity = "numbering_rule"
    audit_fields = ("organisation", "county_abbr", "dept_prefix", "pattern", "code_overrides")
    list_display = ["organisation", "county_abbr", "dept_prefix", "pattern"]


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "doc_type", "year", "last_value"]
    list_filter = ["year", "doc_type"]


@admin.register(EnforcementDocument)
class EnforcementDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "doc_type", "status", "organisation", "site", "issued_on"]
    list_filter = ["status", "doc_type"]
    search_fields = ["number", "party"]


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ["party", "penalty_type", "amount", "decision", "decided_on"]
    list_filter = ["penalty_type"]
