"""Workload rebalancing: suggest case moves, compare before and after, list applied batches.

- ``suggest.suggest(cases, collectors, constraints)`` proposes moves (debtor -> collector) that lower
  the load imbalance while matching difficulty to experience, within the manager's constraints;
- ``compare.evaluate(cases, collectors, constraints, moves)`` gives before/after figures for any
  subset of moves (the manager unticks some and the figures follow);
- ``batches.batches(assignments, ...)`` lists the applied batches an undo can reverse.

Pure functions of frames (``data_access.metrics.workload`` builds ``cases`` and ``collectors``); the
writes are in ``data_access.services.assignments``. The method and its reasons: docs/workload.md.
"""
