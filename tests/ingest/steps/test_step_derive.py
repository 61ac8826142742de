"""Step derive: the reference date of derived durations is the data cut-off."""


def test_reference_date_is_the_data_cutoff_not_today() -> None:
    import datetime as dt

    import pyarrow as pa

    from oncorwd.ingest.steps.derive import data_cutoff

    vital = pa.table({
        "update_date": pa.array([dt.date(2024, 5, 1), None], pa.date32()),
        "last_visit_date": pa.array([dt.date(2024, 6, 30), dt.date(2023, 1, 1)], pa.date32()),
        "death_date": pa.array([None, None], pa.date32()),
    })
    assert data_cutoff({"vital_status": vital}) == dt.date(2024, 6, 30)
    assert data_cutoff({}) is None
