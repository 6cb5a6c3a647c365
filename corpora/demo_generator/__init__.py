"""Code behind `corpora/make_demo.py`; the texts it fills in are in `corpora/demo_templates/`."""
