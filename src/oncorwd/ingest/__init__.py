"""Structuration: from a hospital's exports to a validated OSIRIS RWD store.

- :mod:`oncorwd.ingest.spec`: the mapping spec (sources, value maps, field rules);
- :mod:`oncorwd.ingest.pipeline`: ``run(spec)`` → ``IngestResult`` (the steps of
  :data:`oncorwd.ingest.steps.STEPS`: read, map, code, validate, integrity, derive, load);
- :mod:`oncorwd.ingest.sources`: one reader per source format;
- :mod:`oncorwd.ingest.quarantine`: quarantine records, accounts and the ``on_error`` policy;
- :mod:`oncorwd.ingest.new_mapping`: a commented starting spec from export files;
- :mod:`oncorwd.ingest.nlp`, :mod:`oncorwd.ingest.derive`, :mod:`oncorwd.ingest.quality`.

Nothing heavy is imported here: ``import oncorwd.ingest`` stays cheap.
"""
