"""`make bench`: synthetic hh.ru data at 100 k and 1 M vacancies and the figures DESIGN section 8 asks for.

Nothing here is market data: generated vacancies carry ids from ``generator.RESERVED_ID_BASE`` up
and employers named "BENCH …", so a bench warehouse can never pass for a real one. Timings are
printed, never asserted (tests only check that the benchmark code runs and the generator is
calibrated).
"""
