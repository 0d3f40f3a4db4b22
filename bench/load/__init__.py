"""The load test of issue 18: locust against ``runserver`` and gunicorn (see bench/README.md)."""
