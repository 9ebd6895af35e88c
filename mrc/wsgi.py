import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrc.settings")

application = get_wsgi_application()

# With DEBUG off, refuse to serve while demo accounts (published password and second
# factor) exist: gunicorn's worker fails to boot and says why in the log.
from accounts.demo import refuse_to_start_with_demo_data  # noqa: E402

refuse_to_start_with_demo_data()
