"""Catalogue audits: many apps scanned on a Dask cluster, resumable, with a catalogue report.

The pieces, in the order a batch uses them:
- `inputs`: app files, folders and CSV / JSONL manifests become `Job`s (app, policy, key);
- `host`: a scan process per worker thread that runs `scanner.pipeline.run` for one job in its
  main thread, so the time budget is enforced there as in `scan`, and a crash stays contained;
- `worker`: the Dask task, which hands a job to its thread's host;
- `store`: per-app result files written atomically under DIR, and the SQLite catalogue index;
- `runner`: plans what to scan (skips what is done), drives the Dask client, reports progress;
- `catalogue`: the catalogue report (HTML, CSV) read from the index alone.
"""
