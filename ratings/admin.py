from django.contrib import admin

from .models import CommunityScore, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """What moderators see of readers' scores: above all the ones not counted
    (a network over its cap for an episode)."""

    list_display = ["episode", "score", "counted", "network", "updated"]
    list_filter = ["counted", "score"]
    list_select_related = ["episode__show"]
    search_fields = ["episode__show__title", "=network"]
    readonly_fields = ["episode", "score", "network", "created", "updated"]
    date_hierarchy = "updated"

    def has_add_permission(self, request):
        return False


@admin.register(CommunityScore)
class CommunityScoreAdmin(admin.ModelAdmin):
    list_display = ["episode", "count", "mean_display"]
    list_select_related = ["episode__show"]
    search_fields = ["episode__show__title"]
    readonly_fields = ["episode", "count", "total", "distribution"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Mean")
    def mean_display(self, community):
        mean = community.mean
        return "—" if mean is None else f"{mean:.1f}"
