"""`sufficiency serve`: the scenario explorer in the browser (server-rendered HTML, no scripts from elsewhere).

It joins the layers below as the command line does: scenarios are read and validated by sim.scenario, runs
and comparisons write ordinary results directories through sim.run, and results are shown with the pack's
own summary, headline table and charts from sim.report."""
