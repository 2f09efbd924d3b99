"""Measurements of DESIGN.md §6 against same-run baselines, and the data they run on.

python manage.py generate_load 1000000    # benchmark data, into a scratch database
python -m benchmarks.inbox                # the officer inbox
python -m benchmarks.ingest               # Facebook comment ingestion
"""
