import os

from django.core.wsgi import get_wsgi_application

from reviewsite.settings import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")

require_secret_key()
application = get_wsgi_application()
