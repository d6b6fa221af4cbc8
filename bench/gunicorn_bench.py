"""gunicorn settings of `public_load.py`: 2 sync workers, no access log (the project's own
gunicorn.conf.py, read by default from the working folder, logs every request)."""

workers = 2
accesslog = None
loglevel = "warning"
