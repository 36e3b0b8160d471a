from django.contrib import admin

from .models import Announcement, Delivery, Follow, Follower


class FollowInline(admin.TabularInline):
    model = Follow
    extra = 0
    fields = ["show", "created", "confirmed"]
    readonly_fields = ["show", "created", "confirmed"]


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ["email", "created"]
    search_fields = ["email"]
    readonly_fields = ["email", "created"]
    inlines = [FollowInline]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What the worker did with each review's mail to each follower: above all
    the failed ones, and those "sending" when a worker stopped."""

    list_display = ["review", "follower", "state", "attempts", "sent", "retry_at"]
    list_filter = ["state"]
    list_select_related = ["review", "follower"]
    search_fields = ["follower__email", "review__title"]
    readonly_fields = [
        "review",
        "follower",
        "state",
        "attempts",
        "retry_at",
        "claimed",
        "claim",
        "sent",
        "error",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["review", "followers", "created"]
    list_select_related = ["review"]
    readonly_fields = ["review", "followers", "created"]

    def has_add_permission(self, request):
        return False
