"""Publishing with no cloud at all: ``manabi publish`` on an intranet server's timer.

One run is the whole loop that GitHub Actions runs elsewhere — sync (check
first), the learning figures from the newest export in a share, build (only
when something changed), deploy (atomic) — on one machine, from a workbook
the secretariat edits on a shared drive. Nothing here is a new rule: each
step is the function the matching command uses; this package adds what a
scheduler needs around them:

- ``lock``: one run at a time (``flock``, released by the kernel when a run dies);
- ``share``: reading only a settled file from a share (no Office lock files,
  no half-saved workbook), and which export is the newest;
- ``run``: the loop, its exit code and its one line for the journal.
"""
