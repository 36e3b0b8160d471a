from django.conf import settings


def site(request):
    """The site's name for every template (settings.SITE_NAME)."""
    return {"site_name": settings.SITE_NAME}
