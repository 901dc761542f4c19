"""The OpenAPI tags: one per resource (the path's first segment under /api/v1/), each described in Chinese and in
English; config.api.schema.AutoSchema tags every operation by its path (or by its view's `schema_tags`).

Plain data (no import at all), beside the API rather than in it: the settings read it for
SPECTACULAR_SETTINGS["TAGS"], and nothing below the API imports the API."""

# tag -> (Chinese, English) description, in the order the docs list them.
RESOURCE_TAGS = {
    "auth": ("登录令牌：用户名和密码换取 API 令牌，注销令牌。",
             "API tokens: exchange a username and password for one, end it."),
    "districts": ("区县（行政区划）：名称和 6 位区划代码。",
                  "Districts: names and 6-digit division codes."),
    "parks": ("园区：所属区县、运营情况和出租率。",
              "Parks: their district, operation and occupancy."),
    "units": ("园区单元：楼栋、楼层、房间和面积。",
              "Park units: building, floor, room and area."),
    "park-memberships": ("园区管理员：用户与园区的对应。",
                         "Park administrators: which user administers which park."),
    "park-services": ("园区服务与政策：孵化、人才培训、投融资对接、场景对接和园区政策。",
                      "Park services and policies: incubation, training, financing and scene matching, park policies."),
    "enterprises": ("企业：登记信息、所在区县和园区、产业链层级。",
                    "Enterprises: registration, district, park, chain position."),
    "tenancies": ("租约：企业租用园区单元的期间和租金。",
                  "Tenancies: which enterprise rents which unit, when, at what rent."),
    "enterprise-memberships": ("企业用户：用户与企业的对应。",
                               "Enterprise users: which user belongs to which enterprise."),
    "filings": ("年报：企业每年申报的数据及其审核。",
                "Annual filings: each enterprise's yearly figures and their review."),
    "filing-seasons": ("年报申报期：每年的开始和截止日期。",
                       "Filing seasons: when each year's filing opens and closes."),
    "tier-designations": ("专精特新认定：企业获得的梯度及有效期。",
                          "SME tier designations: the tiers enterprises hold, and until when."),
    "declaration-rounds": ("申报批次：市经信局开设的梯度申报批次、申报期、审核和公示日期。",
                           "Declaration rounds: the tier, window, review and publicity dates the bureau sets."),
    "declarations": ("梯度申报：企业的申报、承诺书，以及区县审核、市级审核、公示和认定各步骤。",
                     "Tier declarations: an enterprise's declaration and commitment, and each step of its review, "
                     "publicity and designation."),
    "objections": ("异议：公示期间收到的书面异议及市经信局的处理决定（保密）。",
                   "Objections: written objections received during publicity, and the bureau's decisions "
                   "(confidential)."),
    "invitations": ("邀请：园区和企业邀请新用户。",
                    "Invitations: parks and enterprises inviting new users."),
    "evidence": ("证明材料：申报、年报和租约的附件，上传、列出并经权限校验下载。",
                 "Evidence: files of declarations, filings and tenancies, uploaded, listed and downloaded through the "
                 "scope check."),
    "standards": ("标准：企业主导或参与制定、修订的国际、国家、行业、地方、团体和中关村标准（行动计划任务4）。",
                  "Standards: international, national, industry, local, group and Zhongguancun standards the "
                  "enterprises lead or take part in drafting (plan task 4)."),
    "intellectual-property": ("知识产权：企业的专利和软件著作权，按Ⅰ类、Ⅱ类计数，授权和失效日期（行动计划任务8）。",
                              "Intellectual property: the enterprises' patents and software copyrights, counted as "
                              "class I or II, with the days granted and in force (plan task 8)."),
    "digital-human-ips": ("数字人IP：企业的服务型和表演型虚拟形象及其登记（行动计划任务5、6）。",
                          "Digital-human IP: the enterprises' service and performance virtual characters and their "
                          "registrations (plan tasks 5 and 6)."),
    "financing-rounds": ("融资：企业的融资轮次、金额（万元）、领投方和政府引导基金（行动计划任务12）。",
                         "Financing: the enterprises' rounds, amounts (10,000 yuan), lead investors and "
                         "government-guided funds (plan task 12)."),
    "listings": ("上市挂牌：新三板、北交所、科创板、创业板、主板和北京股权交易中心专精特新专板（行动计划任务12）。",
                 "Listings: NEEQ, BSE, STAR, ChiNext, main board and the specialised board of the Beijing Equity "
                 "Exchange Center (plan task 12)."),
    "compliance-filings": ("合规备案：企业的深度合成服务算法备案、生成式人工智能服务备案、"
                           "内容安全和数据安全备案（行动计划任务15）。",
                           "Compliance filings: the enterprises' deep-synthesis and generative-AI service algorithm "
                           "filings, content-security and data-security records (plan task 15)."),
    "industry-activities": ("产业活动：企业报送的推荐进入国家科技计划、生产工具小批量验证、领军人才认定、"
                            "校企联合培养、产业对接交流、国际会议展会和海外合作项目，只计人数不含个人信息"
                            "（行动计划任务1、2、11、13、14）。",
                            "Industry activities: the national programmes, production-tool verification, leading "
                            "talents, joint training, industry exchange, international events and overseas projects "
                            "the enterprises report, counts only, never personal data (plan tasks 1, 2, 11, 13, 14)."),
    "notifications": ("通知：用户的站内消息，标记已读。",
                      "Notifications: the user's inbox, and marking messages read."),
    "labs": ("实验室和创新中心。",
             "Labs and innovation centres."),
    "platforms": ("共性技术平台。",
                  "Common technology platforms."),
    "benchmark-projects": ("标杆项目。",
                           "Benchmark projects."),
    "plan-targets": ("行动计划目标：指标、目标值和年份。",
                     "The action plan's targets: metric, goal and year."),
    "plan-tasks": ("行动计划重点任务：任务序号、标题、说明和出处。",
                   "The action plan's key tasks: number, title, description and source."),
    "support-policies": ("资金支持政策：发布单位、对应重点任务、年度和预算（万元）。",
                         "Support-fund policies: issuing body, plan task, year and budget (10,000 yuan)."),
    "support-awards": ("资金支持兑现：企业获得的支持、核定和拨付金额及日期。",
                       "Support-fund awards: amounts approved and paid to enterprises, and their dates."),
    "reports": ("报表：区县概览、园区报表、规划进度、重点任务进展、资金支持、专精特新梯度汇总、候选企业和梯度申报进度"
                "（JSON、CSV 或 XLSX）。",
                "Reports: districts, parks, plan progress, the plan board, support funds, tier summary, candidates and "
                "the declaration pipeline (JSON, CSV or XLSX)."),
    "report-runs": ("报表计算任务：专精特新梯度汇总的快照。",
                    "Report runs: the tier summary's snapshots."),
    "imports": ("导入：企业、租约和年报的 XLSX 或 CSV 文件，以及空白模板。",
                "Imports: XLSX or CSV files of enterprises, tenancies and filings, and their blank templates."),
    "exports": ("导出：企业、租约和年报的 XLSX 或 CSV 文件（流式或后台任务）。",
                "Exports: XLSX or CSV files of enterprises, tenancies and filings (streamed, or by a file job)."),
    "directory": ("公开名录：无需登录的园区、企业、平台、标杆项目和拟认定名单公示。",
                  "The public directory: parks, enterprises, platforms, projects and the publicity list of "
                  "enterprises to be recognised, open to all."),
}

TAGS = [{"name": name, "description": f"{zh} / {en}"} for name, (zh, en) in RESOURCE_TAGS.items()]
