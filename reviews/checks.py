from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def release_is_named(app_configs, **kwargs):
    """`check --deploy` says what the site itself refuses to serve without
    (reviewsite.settings.require_production_settings); Django checks the key."""
    if settings.DEBUG or settings.RELEASE:
        return []
    return [
        Error(
            "DJANGO_RELEASE is not set.",
            hint=f"It is required when DJANGO_DEBUG is off; "
            f"{settings.MISSING_SETTINGS['DJANGO_RELEASE']}.",
            id="reviews.E001",
        )
    ]
