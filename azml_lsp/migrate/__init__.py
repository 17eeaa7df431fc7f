"""``azml migrate``: rewrite a script for a newer runtime, and prove it by running both."""
