from django.contrib import admin

from .models import CommunityScore, Rating, recount


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """What moderators see of readers' scores: above all the ones not counted
    (a network over its cap for an episode)."""

    # The score and whether it counts first: what a moderator on a phone needs
    # to see without scrolling the table.
    list_display = ["score", "counted", "episode", "network", "updated"]
    list_display_links = ["score", "episode"]
    list_filter = ["counted", "score"]
    list_select_related = ["episode__show"]
    search_fields = ["episode__show__title", "=network"]
    readonly_fields = ["episode", "score", "network", "created", "updated"]
    date_hierarchy = "updated"
    actions = ["count", "stop_counting"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recount([obj.episode_id])

    def set_counted(self, request, queryset, counted):
        episodes = list(queryset.values_list("episode", flat=True))
        changed = queryset.exclude(counted=counted).update(counted=counted)
        recount(episodes)
        self.message_user(
            request,
            f"{changed} rating{'s' if changed != 1 else ''} "
            f"{'now counted' if counted else 'no longer counted'}.",
        )

    @admin.action(description="Count the selected ratings", permissions=["change"])
    def count(self, request, queryset):
        self.set_counted(request, queryset, True)

    @admin.action(
        description="Stop counting the selected ratings", permissions=["change"]
    )
    def stop_counting(self, request, queryset):
        self.set_counted(request, queryset, False)


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
