"""What runs write: typed records, the run store, CI baselines."""
