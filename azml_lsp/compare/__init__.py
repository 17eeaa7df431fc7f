"""Run one script in two environments (a cloud twin, another twin, or local) and compare its
outputs port by port: what a user needs to know before moving a pipeline to a newer runtime."""
