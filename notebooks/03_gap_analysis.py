# %% [markdown]
# # 03 · Gap analysis / 差距分析
#
# Every target assessed against the official figures (`analysis.assess`, rules in the module
# docstring and in the report's methodology section). This notebook reads the processed outputs
# and shows them; `make assess` computes them.

# %%
import polars as pl

from analysis.assess import context_of
from analysis.reference import load_regions
from analysis.tables import read_table

assessments = read_table("assessments")
summary = read_table("summary")
context = read_table("context")
pl.Config.set_tbl_rows(40).set_fmt_str_lengths(70).set_tbl_width_chars(160)

# %% [markdown]
# ## Summary per region / 各地区汇总
# 达标率 = achieved ÷ assessable; coverage = assessable ÷ targets in the register.

# %%
summary

# %% [markdown]
# ## Assessable targets / 可评估目标

# %%
assessments.filter(pl.col("status") != "insufficient_data").select(
    "target_id", "region_code", "indicator_id", "comparator", "target_value", "target_year", "actual_value",
    "actual_year", "actual_source_id", "gap", "attainment", "status", "method", "caveat")

# %% [markdown]
# ## Why the others cannot be assessed / 无法评估的原因

# %%
(assessments.filter(pl.col("status") == "insufficient_data").group_by("reason").len()
 .sort(["len", "reason"], descending=[True, False]).head(15))

# %% [markdown]
# ## Context series (never a region's actual) / 背景数据（不作为实际值）
# Each parent region's series is stored once; the targets it stands beside are those of the indicator in
# the regions below it (`context_of` walks each target's region up through `parent_code`).

# %%
beside = context_of(assessments, context, pl.DataFrame(list(load_regions().values())))
context.group_by("region_code", "level", "indicator_id").agg(
    years=pl.col("year").unique().sort().cast(pl.String).str.join(", ")
).join(
    beside.group_by(pl.col("context_region_code").alias("region_code"), "indicator_id").agg(
        targets=pl.col("target_id").n_unique()),
    on=["region_code", "indicator_id"], how="left",
).sort("region_code", "level", "indicator_id")
