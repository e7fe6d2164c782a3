"""The classroom load benchmark: settings, URLs and the floor view that bench/classroom.py runs under gunicorn."""
