import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # as ``ucjamsostek.cli.PRIVATE_UMASK``: files the app writes are the service user's only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
application = get_wsgi_application()
