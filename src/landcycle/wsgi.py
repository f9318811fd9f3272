import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # files the server writes (exports, uploads, the SQLite journal) are the owner's alone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
application = get_wsgi_application()
