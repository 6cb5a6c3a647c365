"""The labeled table: one row per record with its metadata and, per run, label, option
probabilities, evidence and page; written as CSV, XLSX, Parquet, RIS or BibTeX by extension,
with the provenance of every run (an XLSX sheet, or a JSON sidecar for the other formats)."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from litlab.errors import LitlabError
from litlab.index.filters import Filters
from litlab.labeling.unscorable import unusable_labels, usable_sql
from litlab.topics.store import with_topic_columns

FORMATS = (".csv", ".xlsx", ".parquet", ".ris", ".bib")


def chosen_runs(con: duckdb.DuckDBPyConnection, run_ids: list[int] | None) -> pd.DataFrame:
    """The runs to export: the given ones, else for every question and backend the latest
    finished run (an LLM run and the classifier run trained on reviews of the same question
    both go). A paused or failed attempt after a finished run does not hide its labels; a
    question with no finished run gives its latest run that has labels."""
    runs = con.execute("""
        SELECT r.run_id, r.name, r.question, r.options, r.scope, r.backend, r.model_id,
               r.weights_sha256, r.prompt_template, r.parameters, r.litlab_version, r.status,
               r.started_at, r.finished_at
        FROM label_runs r ORDER BY r.run_id""").df()
    if run_ids:
        missing = set(run_ids) - set(runs.run_id)
        if missing:
            raise LitlabError(f"no label run(s) {sorted(missing)}: `litlab runs list` shows them")
        return runs[runs.run_id.isin(run_ids)]
    labeled = dict(con.execute("SELECT run_id, count(*) FROM labels GROUP BY 1").fetchall())
    ranked = runs.assign(_labels=runs.run_id.map(labeled).fillna(0) > 0,
                         _done=runs.status == "done")
    ranked = ranked.sort_values(["_labels", "_done", "run_id"])
    chosen = ranked.drop_duplicates(["question", "backend"], keep="last")
    return runs[runs.run_id.isin(chosen.run_id)]


def labeled_table(con: duckdb.DuckDBPyConnection, run_ids: list[int] | None = None,
                  filters: Filters | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table, runs): the wide table, and the provenance of the runs in it."""
    sql, params = (filters or Filters()).sql()
    table = con.execute(f"""
        SELECT record_id, doi, title, year, array_to_string(authors, '; ') AS authors,
               source_title, document_type, array_to_string(author_keywords, '; ') AS keywords,
               abstract
        FROM records WHERE record_id IN ({sql}) ORDER BY record_id""", params).df()
    table = with_topic_columns(con, table)  # the latest topic run's topic, empty without one
    runs = chosen_runs(con, run_ids)
    names = runs.name.tolist()
    for run in runs.itertuples():
        prefix = run.name if names.count(run.name) == 1 else f"{run.name}#{run.run_id}"
        labels = con.execute("SELECT record_id, label, probabilities, evidence, evidence_page "
                             f"FROM labels WHERE run_id = ? AND {usable_sql()}",
                             [run.run_id, len(run.options)]).df()
        wide = pd.DataFrame({"record_id": labels.record_id, f"{prefix}:label": labels.label})
        for i, option in enumerate(run.options):
            wide[f"{prefix}:p_{option}"] = labels.probabilities.map(lambda p, i=i: round(p[i], 4))
        wide[f"{prefix}:evidence"] = labels.evidence
        wide[f"{prefix}:page"] = labels.evidence_page.astype("Int64")
        table = table.merge(wide, on="record_id", how="left")
    return table, runs


def provenance(con: duckdb.DuckDBPyConnection, runs: pd.DataFrame) -> list[dict]:
    """What produced each exported run: model, weights hash, prompt, parameters, version, and
    the validation sample's estimates where the run has one."""
    from litlab.labeling.methods import describe_run, methods_paragraph

    out = []
    for run in runs.to_dict(orient="records"):
        run["options"] = list(run["options"])
        run["parameters"] = json.loads(run["parameters"])
        run["started_at"], run["finished_at"] = str(run["started_at"]), str(run["finished_at"])
        described = describe_run(con, int(run["run_id"]))
        run["validation"] = described["validation"]
        run["methods"] = methods_paragraph(described)
        out.append(run)
    return out


def export(con: duckdb.DuckDBPyConnection, path: Path, run_ids: list[int] | None = None,
           filters: Filters | None = None, included: str | None = None) -> dict:
    """Write the labeled table to ``path``; the format follows the extension. With
    ``included`` (a question), only the records included in that review."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise LitlabError(f"cannot export to {suffix or 'a file without extension'}; use one of "
                          f"{', '.join(FORMATS)}")
    from litlab.outputs import check_output_path, output_file

    check_output_path(path)  # before the table is built
    sidecar_path = path.with_name(path.name + ".provenance.json")
    if suffix != ".xlsx":
        check_output_path(sidecar_path)
    table, runs = labeled_table(con, run_ids, filters)
    stage = None
    if included is not None:
        from litlab.prisma.counts import included_records

        ids, stage = included_records(con, included)
        table = table[table.record_id.isin(ids)]
    meta = provenance(con, runs)
    sidecar = None
    with output_file(path) as partial:
        _write_table(table, meta, suffix, partial)
    if suffix != ".xlsx":
        sidecar = sidecar_path
        with output_file(sidecar) as partial:
            partial.write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    unusable = {int(r): unusable_labels(con, int(r)) for r in runs.run_id}
    return {"path": str(path), "rows": len(table), "runs": [m["run_id"] for m in meta],
            "unusable_labels": {r: ids for r, ids in unusable.items() if ids},
            "provenance": str(sidecar) if sidecar else f"{path} (sheet provenance)",
            **({"included_at": stage} if stage else {})}


def _write_table(table: pd.DataFrame, meta: list[dict], suffix: str, path: Path) -> None:
    """The table in the format of ``suffix``; XLSX carries the provenance as a sheet."""
    if suffix == ".csv":
        from litlab.spreadsheet import escape_frame

        escape_frame(table).to_csv(path, index=False)  # record text never runs as a formula
    elif suffix == ".parquet":
        table.to_parquet(path, index=False)
    elif suffix == ".xlsx":
        from litlab.spreadsheet import text_cells_in_sheet

        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="labels", index=False)
            pd.DataFrame([{**m, "options": ", ".join(m["options"]),
                           "parameters": json.dumps(m["parameters"]),
                           "validation": json.dumps(m["validation"], default=str)}
                          for m in meta]
                         ).to_excel(writer, sheet_name="provenance", index=False)
            for sheet in writer.sheets.values():
                text_cells_in_sheet(sheet)
    else:
        from litlab.labeling.bibliographic import write_bib, write_ris

        (write_ris if suffix == ".ris" else write_bib)(table, path)


def unusable_note(result: dict) -> str:
    """A sentence naming the stored labels an export left blank (none: empty)."""
    from litlab.labeling.unscorable import name_records

    return " ".join(f"Run {run_id}: {len(ids)} stored labels have unreadable probabilities and "
                    f"were left blank (records {name_records(ids)})."
                    for run_id, ids in (result.get("unusable_labels") or {}).items())
