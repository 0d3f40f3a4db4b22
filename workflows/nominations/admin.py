"""Admin for households."""

from __future__ import annotations

from django.contrib import admin

from workflows.nominations.models import Household


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["code", "head_name", "village", "member_count"]
    list_filter = ["village"]
    search_fields = ["code", "head_name", "address"]
    list_select_related = ["village"]
    autocomplete_fields = ["village"]
    filter_horizontal = ["residents"]
