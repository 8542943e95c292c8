"""Presenting saved results: charts, the committee pack (HTML, Excel), style, sweep and calibration reports."""
