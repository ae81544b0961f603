"""A deterministic demo school (`manage.py seed_demo`): people, timetable and journals."""
