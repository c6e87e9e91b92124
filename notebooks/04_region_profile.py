# %% [markdown]
# # 04 · Region profile / 地区概况
#
# One region's targets, actuals and context. Parameterized (papermill convention): `make notebooks`
# runs it for each plan's region; for another region run
# `python -m analysis.notebooks notebooks/04_region_profile.py out.ipynb -p region_code=530600`.

# %% tags=["parameters"]
region_code = "451000"

# %%
import polars as pl

from analysis.assess import context_of
from analysis.reference import load_regions
from analysis.tables import read_table

region = load_regions()[region_code]
assessments = read_table("assessments").filter(pl.col("region_code") == region_code)
targets = read_table("targets").select("target_id", "quote")
observations = read_table("observations").filter(pl.col("region_code") == region_code)
context = context_of(assessments, read_table("context"), pl.DataFrame(list(load_regions().values())))
pl.Config.set_tbl_rows(100).set_fmt_str_lengths(60).set_tbl_width_chars(160)
print(f"{region['name_zh']} / {region['name_en']} ({region_code}): {assessments.height} targets")

# %% [markdown]
# ## Status of its targets / 目标状态

# %%
assessments.group_by("status").len().sort("status")

# %% [markdown]
# ## Targets with quote, actual and gap / 目标、原文、实际值与差距

# %%
assessments.join(targets, on="target_id").select(
    "target_id", "indicator_id", "comparator", "target_value", "unit", "target_year", "actual_value", "gap",
    "status", "reason", "quote")

# %% [markdown]
# ## Its own official figures / 本地区官方数据

# %%
observations.select("indicator_as_published", "indicator_id", "year", "value", "unit", "source_id", "usable", "note")

# %% [markdown]
# ## Context: provincial and national figures beside its targets / 背景：省级与全国数据
# Shown for comparison only; never used as this region's actual.

# %%
context.unique(["context_region_code", "indicator_id", "year", "source_id"]).sort(
    "indicator_id", "context_level", "year", "source_id").select(
    "indicator_id", "context_level", "context_region_code", "year", "value", "source_id")
