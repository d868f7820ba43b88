"""Nightly CSV exports."""


def export_reports(directory, names):
    handles = []
    for name in names:
        handle = open(f"{directory}/{name}.csv", "w")  # noqa: SIM115 - the leak this service is replayed for
        handle.write("sku,count\n")
        handles.append(handle)
    return len(handles)
