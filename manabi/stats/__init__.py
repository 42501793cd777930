"""Learning statistics: the Udemy Business activity export → privacy-safe figures per division.

The export ("User Course Activity", one row per person × course) is personal
data. It is read once, here, and only its numbers leave this package:

- ``export``: reads the CSV by column name (one alias table for every UI
  language), only the columns the figures need; each person becomes a salted
  64-bit hash that lives as long as the process. Names are never loaded.
- ``figures``: the definitions (learners, completed, quota met, continuing,
  minutes) worked out per division, per catalogue course and for the city,
  then withheld where a figure would be about fewer than the threshold of
  people, or derivable by subtraction.
- ``store``: the aggregates as dated files in the snapshot (``data/stats/``),
  written atomically, untouched when unchanged.
- ``report``: what ``manabi stats`` prints (text, Markdown for a job summary).
- ``view``: what the site shows: the latest published figures, the trend and
  the charts' geometry, for the page templates.
- ``synthetic``: exports of obviously fictional staff, for the sample site,
  the tests and the benchmark.
"""
