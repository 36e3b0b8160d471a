import os

from django.core.asgi import get_asgi_application

from reviewsite.settings import require_production_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")

require_production_settings()
application = get_asgi_application()
