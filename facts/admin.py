"""The fact library in the admin: search by number, filter by kind and source, refetch from the Numbers API."""
from django.contrib import admin, messages

from . import client, services
from .models import NumberFact


@admin.register(NumberFact)
class NumberFactAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "text", "found", "source", "fetched_at"]
    list_filter = ["kind", "source", "found"]
    search_fields = ["=number"]
    readonly_fields = ["number", "kind", "text", "found", "source", "fetched_at"]
    actions = ["refetch"]

    def has_add_permission(self, request) -> bool:
        return False  # facts come from the Numbers API

    @admin.action(description="Refetch from the Numbers API", permissions=["change"])
    def refetch(self, request, queryset):
        try:
            count = services.facts_refetch(facts=queryset)
        except client.FactsUnavailable as exc:
            self.message_user(request, f"The Numbers API did not answer: {exc}", messages.ERROR)
            return
        self.message_user(request, f"Refetched {count} fact{'' if count == 1 else 's'} from the Numbers API.")
