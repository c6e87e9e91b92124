# %% [markdown]
# ---
# title: "edugap: 地方教育行动计划目标进展评估"
# subtitle: "How Chinese regions are doing against the quantitative targets of their education action plans"
# ---

# %%
#| include: false
# Thin on purpose: every table and figure comes from analysis.report / analysis.figures (tested there).
import itables
from IPython.display import HTML, display

from analysis import figures, report

figures.setup()  # stops here, before anything is drawn, if no CJK font is installed
R = report.load_inputs()

# %%
# Loads the DataTables bundle into the page itself (connected=False): sortable tables work offline.
itables.init_notebook_mode(all_interactive=False, connected=False)

# %%
display(HTML(report.title_block(R)))
display(HTML(report.contents_html(R)))

# %% [markdown]
# ## 结论 The answer
#
# How many quantitative targets the plans register, how many could be assessed against official
# figures and with what result, and — for the rest — what is missing. 达标率 (attainment rate) =
# achieved ÷ assessable, published only on enough assessable targets; 覆盖率 (coverage) = assessable ÷
# registered. "—" (in sortable tables "-") means no value: missing stays missing.

# %%
display(HTML(report.anchor("answer")))
display(HTML(report.headline(R)))

# %% [markdown]
# **已评估的目标 The assessed targets**, each with what the plan promised, what the official figure
# says, and the caveat that goes with it.

# %%
display(HTML(report.assessed_targets_html(R)))

# %% [markdown]
# **各地区 Per region.** Counties are listed under the city whose plan set their targets. The last
# columns split the targets that cannot be assessed by what is missing.

# %%
display(HTML(report.summary_html(R)))

# %% [markdown]
# **找过吗？ Searched, or not yet?** Most targets cannot be assessed because no official figure is public.
# A reader should be able to tell "not published" from "not looked for": for every target without an
# actual, whether it was searched for and not found (where and when), found but unusable (no year, period
# not stated, context only), or not yet searched. Searches are recorded as data
# (`data/raw/statistics/searches.csv`), like figures.

# %%
display(HTML(report.search_trail_html(R)))

# %% [markdown]
# **按主题 By theme.** Rows are the themes of the indicator framework (access, inclusive preschool,
# balanced compulsory education, …), columns the plans' regions (a county's targets count under the plan
# that set them). Each cell says how many targets the plan sets in that theme, what became of them, and
# why the rest cannot be assessed.

# %%
display(HTML(report.theme_view_html(R)))

# %% [markdown]
# **状态热图 Status heat map**, by indicator, for the indicators that are assessable or shared by two or
# more regions. A cell's colour *and* hatch pattern give the least favourable assessable status (it reads
# in greyscale print too); the number is how many targets the cell holds. A blank cell: no target.

# %%
display(HTML(report.heatmap_svg(R)))

# %% [markdown]
# ## 各地区 Regions
#
# Each region's targets with the verbatim quote from the (normalized) plan text, the actual used,
# the gap (positive = better than target), the status and, where it could not be assessed, why.
# Charts show the region's own series against each target; provincial and national series appear
# grey and dashed as *context*, never as the region's actual.

# %%
display(HTML(report.anchor("regions")))
for code in report.region_codes(R):
    display(HTML(report.region_heading(R, code)))
    display(HTML(report.region_table(R, code)))
    charts = report.region_charts(R, code)
    display(HTML("".join(charts) or "<p class='edugap-missing'>无可绘制的图 no level target with observed data to chart.</p>"))

# %% [markdown]
# ## 数据质量 Data quality
#
# ### 校验结果 What the validation suites found

# %%
display(HTML(report.anchor("quality")))
display(HTML(report.validation_html(R)))

# %% [markdown]
# ### 来源冲突 Where sources disagree
#
# The same region, indicator and year reported with different values by different sources stops the
# build until a reviewed resolution says which figure stands and why. The assessment and the charts use
# the figure that stands; the others stay in the data, marked as set aside.

# %%
display(HTML(report.conflicts_html(R)))

# %% [markdown]
# ### 自上一快照以来的变化 What changed since the previous snapshot

# %%
display(HTML(report.changes_html()))

# %% [markdown]
# ### 原文缺陷 Defects of the source texts
#
# The raw texts stay byte-for-byte as received; repairs are listed in the reviewed errata file and
# the clean-ups below, never made silently.

# %%
display(HTML(report.defects_html(R)))

# %% [markdown]
# ## 方法 Methodology

# %%
display(HTML(report.anchor("method")))
display(HTML(report.methodology_html(R)))

# %% [markdown]
# ## 来源 Sources
#
# ### 统计来源 Statistical sources

# %%
display(HTML(report.anchor("sources")))
display(HTML(report.sources_html(R)))

# %% [markdown]
# ### 引用的数字 Every cited figure

# %%
display(HTML(report.figures_html(R)))

# %% [markdown]
# ### 政策文件 Policy documents

# %%
display(HTML(report.documents_html(R)))

# %% [markdown]
# ### 引用 How to cite

# %%
display(HTML(report.anchor("cite")))
display(HTML(report.citation_html(R)))

# %% [markdown]
# ### 过程文件 Behind this report
#
# The full validation findings and the executed step notebooks (they open from the project folder).

# %%
display(HTML(report.working_files_html()))

# %%
display(HTML(figures.font_face_css()))  # the CJK glyphs the charts' text uses, embedded: no font to install
display(HTML(report.footer_html()))
