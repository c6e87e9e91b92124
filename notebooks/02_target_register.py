# %% [markdown]
# # 02 · Target register / 目标登记
#
# Every quantitative commitment of the five plans, one row each, proven by a verbatim quote of the
# normalized text (`data/processed/targets.csv`). This notebook only reads and shows; the checks live
# in `analysis.register` and `analysis.candidates` and run in `make register`.

# %%
import polars as pl

from analysis.tables import read_table

targets = read_table("targets")
candidates = read_table("candidates")
pl.Config.set_tbl_rows(40).set_fmt_str_lengths(60).set_tbl_width_chars(160)

# %% [markdown]
# ## Targets per document and kind / 各文件目标数

# %%
targets.pivot(on="target_kind", index="document_id", values="target_id", aggregate_function="len").fill_null(0)

# %% [markdown]
# ## What the sources lost / 原文缺失
# Targets kept with an empty year or value, flagged — never filled in.

# %%
targets.filter(pl.col("flags").str.contains("year_missing|value_missing")).select(
    "target_id", "indicator_id", "value", "unit", "target_year", "flags", "quote")

# %% [markdown]
# ## Candidate coverage / 数字候选覆盖率
# Each number the extractor finds is either in the register or dismissed with a reason.

# %%
from analysis.candidates import coverage_by_document

coverage_by_document(candidates)

# %% [markdown]
# ## Sample of the register

# %%
targets.select("target_id", "region_code", "indicator_id", "comparator", "value", "unit", "target_year", "quote").head(20)
